import Codecs
import Crypto
import Foundation

/// The tokens the provider issues, as claim sets: ID tokens (who signed in, for the application), access tokens
/// (RFC 9068 JWTs that Guichet's own endpoints verify without a database read, then check their grant is alive)
/// and logout tokens (back-channel logout). Lifetimes are short: an access token lives 10 minutes, a refresh
/// token (not a JWT: a random secret, `Secret.token()`) renews it.
public struct TokenIssuer: Sendable {
    public let issuer: String
    public static let accessTokenLifetime: TimeInterval = 600
    public static let idTokenLifetime: TimeInterval = 600
    public static let codeLifetime: TimeInterval = 60
    public static let refreshTokenLifetime: TimeInterval = 30 * 24 * 3600
    public static let accessTokenType = "at+jwt"
    public static let logoutTokenType = "logout+jwt"

    public init(issuer: String) { self.issuer = issuer }

    /// What an issued token says about the sign-in it comes from.
    public struct Grant: Sendable, Equatable, Codable {
        public var id: String
        public var clientID: String
        public var accountID: String
        public var subject: String
        public var scopes: [String]
        public var authTime: Date
        public var nonce: String?
        public var acr: String
        /// The browser session the sign-in belongs to (`sid`), for logout.
        public var sessionID: String
        /// How the person proved who they are (`amr`, RFC 8176: `pwd`, with `otp` and `mfa` after the second
        /// factor); nil when another provider did it (FranceConnect) or for grants made before it was recorded.
        public var methods: [String]?

        public init(id: String, clientID: String, accountID: String, subject: String, scopes: [String], authTime: Date, nonce: String?,
                    acr: String, sessionID: String, methods: [String]? = nil) {
            self.id = id; self.clientID = clientID; self.accountID = accountID; self.subject = subject; self.scopes = scopes
            self.authTime = authTime; self.nonce = nonce; self.acr = acr; self.sessionID = sessionID; self.methods = methods
        }

        /// The grant with the scopes a refresh asks (`scope`, space-separated): it may narrow them, never widen
        /// them (RFC 6749 §6); nil for a scope the grant lacks.
        public func narrowed(to asked: String) -> Grant? {
            let names = asked.split(separator: " ").map(String.init)
            guard Set(names).isSubset(of: Set(scopes)) else { return nil }
            var narrowed = self
            narrowed.scopes = scopes.filter(names.contains)
            return narrowed
        }
    }

    public func accessToken(for grant: Grant, now: Date) -> ClaimSet {
        let iat = Int64(now.timeIntervalSince1970)
        return ClaimSet([
            "iss": .string(issuer), "sub": .string(grant.subject), "aud": .string(issuer), "client_id": .string(grant.clientID),
            "scope": .string(grant.scopes.joined(separator: " ")), "iat": .int(iat), "exp": .int(iat + Int64(Self.accessTokenLifetime)),
            "jti": .string(Self.randomID()), "grant": .string(grant.id), "auth_time": .int(Int64(grant.authTime.timeIntervalSince1970)),
        ])
    }

    /// The ID token; `accessToken` gives its `at_hash`; `claims` are the person's, for the scopes granted.
    public func idToken(for grant: Grant, accessToken: String?, claims: [String: ClaimValue], now: Date) -> ClaimSet {
        let iat = Int64(now.timeIntervalSince1970)
        var token = ClaimSet(claims)
        token["iss"] = .string(issuer); token["sub"] = .string(grant.subject); token["aud"] = .string(grant.clientID)
        token["azp"] = .string(grant.clientID)
        token["iat"] = .int(iat); token["exp"] = .int(iat + Int64(Self.idTokenLifetime))
        token["auth_time"] = .int(Int64(grant.authTime.timeIntervalSince1970))
        token["acr"] = .string(grant.acr); token["sid"] = .string(grant.sessionID)
        if let methods = grant.methods, !methods.isEmpty { token["amr"] = .strings(methods) }
        if let nonce = grant.nonce { token["nonce"] = .string(nonce) }
        if let accessToken { token["at_hash"] = .string(Self.leftHalfHash(accessToken)) }
        return token
    }

    /// OpenID Connect back-channel logout 1.0 §2.4.
    public func logoutToken(clientID: String, subject: String, sessionID: String, now: Date) -> ClaimSet {
        ClaimSet([
            "iss": .string(issuer), "aud": .string(clientID), "sub": .string(subject), "sid": .string(sessionID),
            "iat": .int(Int64(now.timeIntervalSince1970)), "exp": .int(Int64(now.timeIntervalSince1970) + 120), "jti": .string(Self.randomID()),
            "events": .object(["http://schemas.openid.net/event/backchannel-logout": .object([:])]),
        ])
    }

    /// An access token's claims, checked: ours (issuer, type), unexpired. The grant's being alive is the caller's
    /// to check. nil for anything else.
    public func checkedAccessToken(_ claims: ClaimSet, type: String?, now: Date) -> AccessToken? {
        guard type == Self.accessTokenType, claims["iss"]?.string == issuer, let exp = claims["exp"]?.int, Double(exp) > now.timeIntervalSince1970,
              let subject = claims["sub"]?.string, let client = claims["client_id"]?.string, let grant = claims["grant"]?.string else { return nil }
        return AccessToken(subject: subject, clientID: client, grantID: grant,
                           scopes: (claims["scope"]?.string ?? "").split(separator: " ").map(String.init),
                           issuedAt: Date(timeIntervalSince1970: Double(claims["iat"]?.int ?? 0)), expiresAt: Date(timeIntervalSince1970: Double(exp)))
    }

    /// `at_hash`: the left half of the token's SHA-256 (both algorithms used hash with SHA-256).
    public static func leftHalfHash(_ token: String) -> String {
        Base64URL.encode(Data(Array(SHA256.hash(data: Data(token.utf8))).prefix(16)))
    }

    static func randomID() -> String {
        Base64URL.random(bytes: 16)
    }
}

/// A verified access token.
public struct AccessToken: Sendable, Equatable {
    public var subject: String
    public var clientID: String
    public var grantID: String
    public var scopes: [String]
    public var issuedAt: Date
    public var expiresAt: Date
}

/// The `sub` an application sees. Public by default: the account's identifier. Pairwise for applications with a
/// sector: a keyed hash of sector and account, so applications of different sectors cannot match their users
/// (OpenID Connect Core §8.1), and the same person keeps the same subject within one sector.
public struct SubjectMaker: Sendable {
    let key: SymmetricKey

    public init(serverSecret: Data) {
        key = SymmetricKey(data: Data(HMAC<SHA256>.authenticationCode(for: Data("pairwise-subjects".utf8), using: SymmetricKey(data: serverSecret))))
    }

    public func subject(accountID: String, for client: RelyingParty) -> String {
        guard let sector = client.sector else { return accountID }
        return Base64URL.encode(Data(HMAC<SHA256>.authenticationCode(for: Data((sector.lowercased() + "|" + accountID).utf8), using: key)))
    }
}
