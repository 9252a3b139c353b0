import Foundation

/// The offre connecté: a commune's own GRC software and Guichet exchange its relayed requests « de manière
/// fluide et automatisée ». Guichet posts each event of such a request to the commune's URL, signed, in order,
/// retried; the software answers through the inbound API (`ConnectorUpdate`).
public enum Connector {
    /// What happened to a relayed request, as the `type` of the notice posted.
    public enum Event: String, Sendable, Codable, CaseIterable {
        /// The request reaches the commune: the whole of it (`ConnectorNotice.request`).
        case transmitted = "demande.transmise"
        /// The citizen wrote (a reply on the follow-up page).
        case message = "demande.message"
        /// The request moved to another status (whoever moved it, the commune's own call included).
        case status = "demande.statut"
        /// The request left the commune (re-routed elsewhere): the commune's software should close its copy.
        case withdrawn = "demande.retiree"

        public var label: String {
            switch self {
            case .transmitted: "Transmission"
            case .message: "Message de l'usager"
            case .status: "Changement de statut"
            case .withdrawn: "Retrait"
            }
        }
    }

    /// Between attempts: 30 s, 1 min, 2 min, … up to an hour.
    public static func retryDelay(afterAttempts attempts: Int) -> TimeInterval {
        min(3600, 30 * pow(2, Double(min(max(0, attempts - 1), 20))))
    }

    /// A connector failing for this long without a single success is stopped, and the Métropole alerted; its
    /// deliveries wait, none dropped, until an admin starts it again. Beyond the 24 hours the issue asks for, so
    /// a receiver down over a weekend night is retried more than 30 times first.
    public static let disableAfter: TimeInterval = 26 * 3600

    public static func shouldDisable(failingSince: Date, now: Date) -> Bool {
        now.timeIntervalSince(failingSince) >= disableAfter
    }

    /// Why a connector's address is refused, in French, or nil: it must be http(s) with a host, and carry no
    /// credentials (they would be stored and logged with it). Whether the host is reachable (public, or allowed)
    /// is the guarded client's call, at each delivery.
    public static func addressProblem(_ url: String) -> String? {
        guard url.count <= 500, let parsed = URL(string: url), let scheme = parsed.scheme?.lowercased(), ["https", "http"].contains(scheme),
              let host = parsed.host, !host.isEmpty else {
            return "Donnez l'adresse complète du logiciel de la commune, commençant par https:// (500 caractères au plus)."
        }
        if parsed.user != nil || parsed.password != nil { return "L'adresse ne doit pas contenir d'identifiant ni de mot de passe." }
        return nil
    }
}

/// What Guichet posts to a connector: JSON, with the headers `Idempotency-Key` (the same on every retry of
/// one event), `X-Guichet-Event` and `X-Guichet-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">`.
public struct ConnectorNotice: Codable, Sendable, Equatable {
    public var type: Connector.Event
    public var occurredAt: String
    public var number: String
    public var status: String
    public var statusLabel: String
    /// The citizen's text (`demande.message`), or why the request left (`demande.retiree`).
    public var message: String?
    /// The request as a whole, on `demande.transmise`.
    public var request: ConnectorRequest?

    public init(type: Connector.Event, occurredAt: Date, number: String, status: String, statusLabel: String,
                message: String? = nil, request: ConnectorRequest? = nil) {
        self.type = type; self.occurredAt = ConnectorNotice.timestamp(occurredAt); self.number = number; self.status = status
        self.statusLabel = statusLabel; self.message = message; self.request = request
    }

    enum CodingKeys: String, CodingKey {
        case type, occurredAt = "occurred_at", number, status, statusLabel = "status_label", message, request
    }

    public static func timestamp(_ date: Date) -> String {
        date.formatted(.iso8601.year().month().day().dateSeparator(.dash).time(includingFractionalSeconds: false).timeSeparator(.colon).timeZone(separator: .omitted))
    }

    public func json() -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return (try? encoder.encode(self)).flatMap { String(data: $0, encoding: .utf8) } ?? "{}"
    }
}

/// A relayed request as the commune's software reads it (in `demande.transmise`, and from `GET …/demandes/{number}`).
public struct ConnectorRequest: Codable, Sendable, Equatable {
    public struct Citizen: Codable, Sendable, Equatable {
        public var name: String
        public var email: String?
        public init(name: String, email: String?) { self.name = name; self.email = email }
    }
    public struct Answer: Codable, Sendable, Equatable {
        public var key: String
        public var label: String
        public var value: String
        public init(key: String, label: String, value: String) { self.key = key; self.label = label; self.value = value }
    }
    public struct File: Codable, Sendable, Equatable {
        public var id: String
        public var name: String
        public var contentType: String
        public var size: Int
        /// Downloaded with the connector's token.
        public var url: String
        public init(id: String, name: String, contentType: String, size: Int, url: String) {
            self.id = id; self.name = name; self.contentType = contentType; self.size = size; self.url = url
        }
        enum CodingKeys: String, CodingKey { case id, name, contentType = "content_type", size, url }
    }
    public var demarche: String
    public var demarcheTitle: String
    public var category: String?
    public var commune: String
    public var receivedAt: String
    public var citizen: Citizen
    public var answers: [Answer]
    public var files: [File]

    public init(demarche: String, demarcheTitle: String, category: String?, commune: String, receivedAt: Date, citizen: Citizen,
                answers: [Answer], files: [File]) {
        self.demarche = demarche; self.demarcheTitle = demarcheTitle; self.category = category; self.commune = commune
        self.receivedAt = ConnectorNotice.timestamp(receivedAt); self.citizen = citizen; self.answers = answers; self.files = files
    }

    enum CodingKeys: String, CodingKey {
        case demarche, demarcheTitle = "demarche_title", category, commune, receivedAt = "received_at", citizen, answers, files
    }
}
