import Foundation

/// An application that signs its users in with Guichet's accounts (GrandLyon Connect): the portal's mobile app,
/// laclasse.com, a commune's own site. Registered by the Métropole's admins; what it may ask is fixed here.
public struct RelyingParty: Sendable, Equatable, Codable {
    public enum Kind: String, Sendable, Codable, CaseIterable {
        /// Runs on a server and keeps a secret (client_secret_basic or client_secret_post).
        case confidential
        /// Runs on the citizen's device (the mobile app): no secret it could keep, so PKCE is mandatory.
        case `public`
    }

    public var id: String
    public var name: String
    public var kind: Kind
    /// Where codes may be sent, compared exactly (no prefix, no pattern).
    public var redirectURIs: [String]
    /// Where RP-initiated logout may send the browser back.
    public var postLogoutRedirectURIs: [String]
    /// What the application may ask for; `openid` is always among them.
    public var scopes: [String]
    /// Where a logout token is posted when the citizen's session ends (back-channel logout); nil: none.
    public var backChannelLogoutURI: String?
    /// Pairwise subjects: the host the subjects are computed for (several applications of one organisation share
    /// it). nil: the account's public identifier, the same for every application.
    public var sector: String?
    /// How its ID tokens are signed.
    public var idTokenAlgorithm: SigningAlgorithm
    /// The shared service of the convention cadre the application belongs to (`laclasse`): only accounts of
    /// communes subscribing to it that day may sign in. nil: open to every account.
    public var service: String?

    public init(id: String, name: String, kind: Kind, redirectURIs: [String], postLogoutRedirectURIs: [String] = [],
                scopes: [String] = ["openid", "profile", "email"], backChannelLogoutURI: String? = nil, sector: String? = nil,
                idTokenAlgorithm: SigningAlgorithm = .rs256, service: String? = nil) {
        self.id = id; self.name = name; self.kind = kind; self.redirectURIs = redirectURIs
        self.postLogoutRedirectURIs = postLogoutRedirectURIs; self.scopes = scopes; self.backChannelLogoutURI = backChannelLogoutURI
        self.sector = sector; self.idTokenAlgorithm = idTokenAlgorithm; self.service = service
    }

    /// What is wrong with this registration, in French, by field; empty when it can be saved.
    public func problems() -> [String: String] {
        var problems: [String: String] = [:]
        if !Self.isIdentifier(id) {
            problems["id"] = "L'identifiant compte de 3 à 64 caractères : lettres minuscules, chiffres, tirets, points."
        }
        let trimmed = name.trimmingCharacters(in: .whitespacesAndNewlines)
        if trimmed.isEmpty || trimmed.count > 120 { problems["name"] = "Indiquez le nom de l'application (120 caractères au plus)." }
        if redirectURIs.isEmpty { problems["redirect_uris"] = "Indiquez au moins une adresse de retour." }
        if redirectURIs.count > 20 || postLogoutRedirectURIs.count > 20 { problems["redirect_uris"] = "20 adresses de retour au plus." }
        if let bad = redirectURIs.first(where: { !Self.isRedirectURI($0) }) {
            problems["redirect_uris"] = "« \(bad.prefix(80)) » n'est pas une adresse de retour acceptée : https:// (ou http:// vers cette machine), sans fragment (#)."
        }
        if let bad = postLogoutRedirectURIs.first(where: { !Self.isRedirectURI($0) }) {
            problems["post_logout_redirect_uris"] = "« \(bad.prefix(80)) » n'est pas une adresse de retour acceptée : https:// (ou http:// vers cette machine), sans fragment (#)."
        }
        if let uri = backChannelLogoutURI, !Self.isRedirectURI(uri) {
            problems["backchannel_logout_uri"] = "L'adresse de déconnexion doit être en https:// (ou http:// vers cette machine), sans fragment."
        }
        if !scopes.contains("openid") { problems["scopes"] = "Le périmètre openid est obligatoire." }
        if let unknown = scopes.first(where: { !Scope.supported.contains($0) }) {
            problems["scopes"] = "Périmètre inconnu : « \(unknown.prefix(40)) ». Périmètres possibles : \(Scope.supported.joined(separator: ", "))."
        }
        if let sector, sector.isEmpty || sector.count > 253 || !sector.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "." || $0 == "-" }) {
            problems["sector"] = "Le secteur est un nom d'hôte, par exemple laclasse.com."
        }
        if let service, !Self.isIdentifier(service) { problems["service"] = "Service partagé inconnu." }
        return problems
    }

    static func isIdentifier(_ text: String) -> Bool {
        (3...64).contains(text.count) && text.allSatisfy { ($0.isASCII && ($0.isLowercase || $0.isNumber)) || $0 == "-" || $0 == "." }
    }

    /// An absolute https URL without fragment, or http to this machine (a developer's client, the tests' relying
    /// parties). A custom scheme (`fr.grandlyon.guichet:/callback`) is accepted for native apps (RFC 8252).
    static func isRedirectURI(_ text: String) -> Bool {
        guard text.count <= 512, !text.contains("#"), !text.contains(where: { $0.isWhitespace }),
              let url = URLComponents(string: text), let scheme = url.scheme?.lowercased() else { return false }
        switch scheme {
        case "https": return !(url.host ?? "").isEmpty
        case "http": return ["127.0.0.1", "localhost", "[::1]", "::1"].contains(url.host ?? "")
        default: return scheme.contains(".") && !["javascript", "data", "file"].contains(scheme)  // reverse-DNS, RFC 8252 §7.1
        }
    }
}

/// The signature algorithms Guichet's tokens use: ES256 by default for what it verifies itself, RS256 for ID
/// tokens unless the application chose ES256 (OpenID Connect requires RS256 support of every provider).
public enum SigningAlgorithm: String, Sendable, Codable, CaseIterable {
    case es256 = "ES256", rs256 = "RS256"
}
