import Foundation

/// What a commune's software posts to the inbound connector API about a request relayed to it:
/// `{"type": "accuse_reception" | "message" | "cloture" | "reference", "message": "…", "reference": "…"}`.
/// Any type may carry the commune's own `reference`, which Guichet keeps and shows beside the relay.
public struct ConnectorUpdate: Sendable, Equatable {
    public enum Kind: String, Sendable, CaseIterable {
        /// The commune has the request: it leaves its first status, as when an agent takes it.
        case acknowledge = "accuse_reception"
        /// A message to the citizen (e-mailed, and in the history).
        case message
        /// The commune is done: the request goes to a favourable end of its workflow.
        case close = "cloture"
        /// Only the commune's reference.
        case reference
    }

    public var kind: Kind
    public var message: String?
    public var reference: String?

    public init(kind: Kind, message: String? = nil, reference: String? = nil) {
        self.kind = kind; self.message = message; self.reference = reference
    }

    public static let messageLimit = 5000
    public static let referenceLimit = 100

    /// A field refused, with the French sentence the API's problem document gives for it.
    public struct Problem: Error, Sendable, Equatable {
        public var field: String
        public var message: String
    }

    public static func parse(_ body: Data) -> Result<ConnectorUpdate, Problem> {
        struct Body: Decodable { var type: String?; var message: String?; var reference: String? }
        guard let decoded = try? JSONDecoder().decode(Body.self, from: body) else {
            return .failure(Problem(field: "", message: "Le corps doit être un objet JSON : {\"type\": …, \"message\": …, \"reference\": …}."))
        }
        guard let type = decoded.type, let kind = Kind(rawValue: type) else {
            let known = Kind.allCases.map { "« \($0.rawValue) »" }.joined(separator: ", ")
            return .failure(Problem(field: "type", message: "Le type doit être l'un de : \(known)."))
        }
        let message = decoded.message?.trimmingCharacters(in: .whitespacesAndNewlines)
        let reference = decoded.reference?.trimmingCharacters(in: .whitespaces)
        if kind == .message, (message ?? "").isEmpty {
            return .failure(Problem(field: "message", message: "Un message à l'usager ne peut pas être vide."))
        }
        if let message, message.count > messageLimit {
            return .failure(Problem(field: "message", message: "Le message dépasse \(messageLimit) caractères."))
        }
        if kind == .reference, (reference ?? "").isEmpty {
            return .failure(Problem(field: "reference", message: "Donnez la référence de la demande dans votre logiciel."))
        }
        if let reference, !reference.isEmpty,
           reference.count > referenceLimit || reference.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
            return .failure(Problem(field: "reference",
                                    message: "La référence compte au plus \(referenceLimit) caractères, sans retour à la ligne ni caractère de contrôle."))
        }
        return .success(ConnectorUpdate(kind: kind, message: kind == .message ? message : nil,
                                        reference: reference.flatMap { $0.isEmpty ? nil : $0 }))
    }

    /// An `Idempotency-Key` the API accepts: 1 to 200 visible ASCII characters (a UUID, say).
    public static func isIdempotencyKey(_ key: String) -> Bool {
        (1...200).contains(key.utf8.count) && key.utf8.allSatisfy { (0x21...0x7E).contains($0) }
    }
}
