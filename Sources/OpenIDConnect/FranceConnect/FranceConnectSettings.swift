import Foundation

/// Where FranceConnect (v2) is and who Guichet is there. FranceConnect's endpoints all hang off one base, which is
/// also its issuer (`…/api/v2`); the integration platform and production differ by that base only.
public struct FranceConnectSettings: Sendable, Equatable {
    public let issuer: String
    public let clientID: String
    public let clientSecret: String

    public static let integration = "https://fcp-low.sbx.dev-franceconnect.fr/api/v2"
    public static let production = "https://oidc.franceconnect.gouv.fr/api/v2"

    /// The identité pivot, the e-mail and the usage name: what an account is made from and matched on.
    public static let scopes = "openid given_name family_name birthdate gender birthplace birthcountry email preferred_username"
    /// Guichet's addresses FranceConnect sends the browser back to (declared in FranceConnect's partner space).
    public static let callbackPath = "/franceconnect/retour"
    public static let logoutCallbackPath = "/franceconnect/deconnexion-terminee"
    /// The eIDAS level asked for: "faible", what every FranceConnect identity provider reaches.
    public static let acr = "eidas1"
    public static let acceptedACRs: Set<String> = ["eidas1", "eidas2", "eidas3"]

    public enum Invalid: Error, Equatable, CustomStringConvertible {
        case base(String), credentials

        public var description: String {
            switch self {
            case .base(let text): "GUICHET_FRANCECONNECT must be integration, production or an http(s) base URL without query (got \(text.prefix(80)))"
            case .credentials: "GUICHET_FRANCECONNECT_CLIENT_ID and GUICHET_FRANCECONNECT_CLIENT_SECRET must be set (1 to 200 visible characters each)"
            }
        }
    }

    /// `base` is `integration`, `production` or a base URL (a stand-in in tests); a trailing slash is dropped.
    public init(base: String, clientID: String, clientSecret: String) throws(Invalid) {
        let named = ["integration": Self.integration, "production": Self.production][base] ?? base
        var trimmed = named
        while trimmed.hasSuffix("/") { trimmed.removeLast() }
        guard let url = URLComponents(string: trimmed), ["https", "http"].contains(url.scheme ?? ""), let host = url.host, !host.isEmpty,
              url.query == nil, url.fragment == nil, url.user == nil else { throw .base(base) }
        func visible(_ text: String) -> Bool { (1...200).contains(text.utf8.count) && text.utf8.allSatisfy { $0 > 0x20 && $0 < 0x7F } }
        guard visible(clientID), visible(clientSecret) else { throw .credentials }
        issuer = trimmed; self.clientID = clientID; self.clientSecret = clientSecret
    }

    public var authorizationEndpoint: String { issuer + "/authorize" }
    public var tokenEndpoint: String { issuer + "/token" }
    public var userinfoEndpoint: String { issuer + "/userinfo" }
    public var endSessionEndpoint: String { issuer + "/session/end" }
    public var jwksURI: String { issuer + "/jwks" }

    /// Ends the FranceConnect session the ID token opened, then comes back to `postLogoutRedirectURI` with `state`.
    public func endSessionURL(idTokenHint: String, state: String, postLogoutRedirectURI: String) -> String {
        endSessionEndpoint + "?" + FormEncoding.encode([
            ("id_token_hint", idTokenHint), ("state", state), ("post_logout_redirect_uri", postLogoutRedirectURI),
        ])
    }
}

/// `application/x-www-form-urlencoded` as a query or a body: only unreserved characters stay as they are.
public enum FormEncoding {
    static let unreserved = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")

    public static func encode(_ pairs: [(String, String)]) -> String {
        pairs.map { name, value in
            (name.addingPercentEncoding(withAllowedCharacters: unreserved) ?? "") + "="
                + (value.addingPercentEncoding(withAllowedCharacters: unreserved) ?? "")
        }.joined(separator: "&")
    }
}
