import Foundation
import Identity
import OpenIDConnect
import SQLKit

/// A write of the code flow, queued for the next batch (`Store.apply`); `at` is when it was asked.
enum GrantWrite: Sendable {
    case issue(TokenIssuer.Grant, codeHash: String, redirectURI: String, challenge: String?, at: Int64)
    case redeemCode(hash: String, clientID: String, redirectURI: String?, verifier: String?, at: Int64)
    case redeemRefresh(hash: String, clientID: String, at: Int64)
}

/// What redeeming a code or a refresh token gave.
public enum Redemption: Sendable, Equatable {
    /// The grant, and the refresh token that now renews it (in clear, this once).
    case issued(TokenIssuer.Grant, refreshToken: String)
    /// Used before: the grant and every token it issued are revoked.
    case reused
    /// Unknown, expired, of another application, or its grant revoked.
    case invalid(String)
}

extension Store {
    /// A new grant for a sign-in, and its code (in clear, this once). The grant does nothing until the code is
    /// redeemed.
    public func issueCode(_ grant: TokenIssuer.Grant, redirectURI: String, codeChallenge: String?) async throws -> String {
        let code = Secret.token()
        _ = try await openIDState.grantWrites.submit(.issue(grant, codeHash: Secret.hash(code), redirectURI: redirectURI,
                                                           challenge: codeChallenge, at: nowMillis))
        return code
    }

    /// The writes of the code flow, committed in batches (`OpenIDState.grantWrites`): each is the statements of
    /// one item, in the order they came, so two uses of one code in one batch still meet as a reuse.
    static func apply(_ writes: [GrantWrite], on sql: any SQLDatabase) async throws -> [Redemption?] {
        var outcomes: [Redemption?] = []
        for write in writes {
            switch write {
            case .issue(let grant, let codeHash, let redirectURI, let challenge, let now):
                try await insertGrant(grant, codeHash: codeHash, redirectURI: redirectURI, challenge: challenge, at: now, on: sql)
                outcomes.append(nil)
            case .redeemCode(let hash, let clientID, let redirectURI, let verifier, let now):
                outcomes.append(try await redeemCode(hash, clientID: clientID, redirectURI: redirectURI, verifier: verifier, at: now, on: sql))
            case .redeemRefresh(let hash, let clientID, let now):
                outcomes.append(try await redeemRefreshToken(hash, clientID: clientID, at: now, on: sql))
            }
        }
        return outcomes
    }

    private static func insertGrant(_ grant: TokenIssuer.Grant, codeHash: String, redirectURI: String, challenge: String?, at now: Int64,
                                    on sql: any SQLDatabase) async throws {
        try await sql.raw("""
            INSERT INTO oidc_grants (id, client_id, account_id, session_id, details, created_at, expires_at)
            VALUES (\(bind: grant.id), \(bind: grant.clientID), \(bind: grant.accountID), \(bind: grant.sessionID), \(bind: try jsonText(grant)),
                    \(bind: now), \(bind: now + Int64(TokenIssuer.refreshTokenLifetime * 1000)))
            """).run()
        try await sql.raw("""
            INSERT INTO oidc_codes (hash, grant_id, redirect_uri, code_challenge, expires_at)
            VALUES (\(bind: codeHash), \(bind: grant.id), \(bind: redirectURI), \(bind: challenge),
                    \(bind: now + Int64(TokenIssuer.codeLifetime * 1000)))
            """).run()
    }

    /// Exchanges a code (RFC 6749 §4.1.3): once, by the application it was issued to, with the same redirect URI
    /// and the PKCE verifier of its challenge. A second use revokes the grant (§4.1.2: the code leaked).
    public func redeemCode(_ code: String, clientID: String, redirectURI: String?, verifier: String?) async throws -> Redemption {
        try await openIDState.grantWrites.submit(.redeemCode(hash: Secret.hash(code), clientID: clientID, redirectURI: redirectURI,
                                                             verifier: verifier, at: nowMillis)) ?? .invalid("")
    }

    private static func redeemCode(_ hash: String, clientID: String, redirectURI: String?, verifier: String?, at now: Int64,
                               on sql: any SQLDatabase) async throws -> Redemption {
        struct Row: Decodable { var grantId: String; var redirectUri: String; var codeChallenge: String?; var expiresAt: Int64; var usedAt: Int64? }
        let row = try await sql.raw("SELECT grant_id, redirect_uri, code_challenge, expires_at, used_at FROM oidc_codes WHERE hash = \(bind: hash)")
            .first(decoding: Row.self, keyDecodingStrategy: .convertFromSnakeCase)
        let spent = try await spend(row.map { ($0.grantId, $0.usedAt, $0.expiresAt) }, by: clientID, what: "code", at: now, on: sql)
        guard let grant = spent.grant, let row else { return spent.refusal ?? .invalid("unknown code") }
        guard redirectURI == row.redirectUri else { return .invalid("redirect_uri differs from the authorization request's") }
        if let challenge = row.codeChallenge {
            guard let verifier, PKCE.verifies(verifier, challenge: challenge) else { return .invalid("code_verifier does not match the code_challenge") }
        } else if verifier != nil {
            return .invalid("code_verifier sent for a code issued without code_challenge")
        }
        try await sql.raw("UPDATE oidc_codes SET used_at = \(bind: now) WHERE hash = \(bind: hash)").run()
        try await sql.raw("UPDATE oidc_grants SET active_at = \(bind: now) WHERE id = \(bind: grant.id)").run()
        return .issued(grant, refreshToken: try await Self.insertRefreshToken(grant: grant.id, at: now, on: sql))
    }

    /// Renews a grant with a refresh token, which is replaced (rotation). A refresh token used before revokes the
    /// grant: either the application or a thief holds a copy, and they cannot be told apart.
    public func redeemRefreshToken(_ token: String, clientID: String) async throws -> Redemption {
        try await openIDState.grantWrites.submit(.redeemRefresh(hash: Secret.hash(token), clientID: clientID, at: nowMillis)) ?? .invalid("")
    }

    private static func redeemRefreshToken(_ hash: String, clientID: String, at now: Int64, on sql: any SQLDatabase) async throws -> Redemption {
        struct Row: Decodable { var grantId: String; var expiresAt: Int64; var usedAt: Int64? }
        let row = try await sql.raw("SELECT grant_id, expires_at, used_at FROM oidc_refresh_tokens WHERE hash = \(bind: hash)")
            .first(decoding: Row.self, keyDecodingStrategy: .convertFromSnakeCase)
        let spent = try await spend(row.map { ($0.grantId, $0.usedAt, $0.expiresAt) }, by: clientID, what: "refresh token", at: now, on: sql)
        guard let grant = spent.grant else { return spent.refusal ?? .invalid("unknown refresh token") }
        try await sql.raw("UPDATE oidc_refresh_tokens SET used_at = \(bind: now) WHERE hash = \(bind: hash)").run()
        return .issued(grant, refreshToken: try await Self.insertRefreshToken(grant: grant.id, at: now, on: sql))
    }

    /// The rules every single-use secret (a code, a refresh token) follows: its grant alive and of the application
    /// presenting it, never used before (a second use revokes the grant), unexpired. The grant, or the refusal.
    private static func spend(_ secret: (grantID: String, usedAt: Int64?, expiresAt: Int64)?, by clientID: String, what: String, at now: Int64,
                              on sql: any SQLDatabase) async throws -> (grant: TokenIssuer.Grant?, refusal: Redemption?) {
        guard let secret, let grant = try await liveGrant(secret.grantID, now: now, on: sql) else { return (nil, .invalid("unknown or revoked \(what)")) }
        guard grant.clientID == clientID else { return (nil, .invalid("the \(what) was issued to another client")) }
        if secret.usedAt != nil {
            try await revokeGrant(grant.id, at: now, on: sql)
            return (nil, .reused)
        }
        guard secret.expiresAt > now else { return (nil, .invalid("the \(what) has expired")) }
        return (grant, nil)
    }

    /// An access token Guichet signed, unexpired, with its grant still alive; nil for anything else (an ID token,
    /// another issuer's, a revoked sign-in). `issuer` is this instance's public address.
    public func accessToken(_ token: String, issuer: String) async throws -> (access: AccessToken, grant: TokenIssuer.Grant)? {
        guard let (claims, type) = try? await keyRing().verify(token),
              let access = TokenIssuer(issuer: issuer).checkedAccessToken(claims, type: type, now: clock()),
              let grant = try await activeGrant(id: access.grantID) else { return nil }
        return (access, grant)
    }

    /// The grant of an access token, if it is still alive (not revoked, not expired, its code redeemed).
    public func activeGrant(id: String) async throws -> TokenIssuer.Grant? {
        try await Self.liveGrant(id, now: nowMillis, on: sql, active: true)
    }

    /// The grant a refresh token renews, for revocation and introspection; nil if unknown or dead.
    public func grant(ofRefreshToken token: String) async throws -> TokenIssuer.Grant? {
        guard let id = try await sql.raw("SELECT grant_id FROM oidc_refresh_tokens WHERE hash = \(bind: Secret.hash(token)) AND used_at IS NULL AND expires_at > \(bind: nowMillis)")
            .first(decodingColumn: "grant_id", as: String.self) else { return nil }
        return try await activeGrant(id: id)
    }

    /// Ends a grant: its access tokens are refused from now on, its refresh tokens cannot be used.
    public func revokeGrant(id: String) async throws {
        let now = nowMillis
        try await write { sql in try await Self.revokeGrant(id, at: now, on: sql) }
    }

    /// Ends every live grant of a browser session (logout); the applications that asked for back-channel logout
    /// are told, through the outbox, in the same transaction.
    public func endGrants(ofSession sessionID: String) async throws {
        let now = nowMillis, parties = try await relyingParties()
        try await write { sql in try await Self.endGrants(ofSession: sessionID, parties: parties, at: now, on: sql) }
    }

    static func endGrants(ofSession sessionID: String, parties: [StoredRelyingParty], at now: Int64, on sql: any SQLDatabase) async throws {
        let rows = try await sql.raw("""
            SELECT details FROM oidc_grants WHERE session_id = \(bind: sessionID) AND revoked_at IS NULL AND expires_at > \(bind: now)
            """).all(decodingColumn: "details", as: String.self)
        try await sql.raw("UPDATE oidc_grants SET revoked_at = \(bind: now) WHERE session_id = \(bind: sessionID) AND revoked_at IS NULL").run()
        try await sql.raw("DELETE FROM oidc_refresh_tokens WHERE grant_id IN (SELECT id FROM oidc_grants WHERE session_id = \(bind: sessionID))").run()
        try await notifyLogout(try rows.map { try fromJSON(TokenIssuer.Grant.self, $0) }, parties: parties, at: now, on: sql)
    }

    /// One logout notice per application and sign-in among `grants`, for the applications with a back-channel
    /// logout address.
    static func notifyLogout(_ grants: [TokenIssuer.Grant], parties: [StoredRelyingParty], at now: Int64, on sql: any SQLDatabase) async throws {
        var notices: [OutboxMessage] = [], seen = Set<String>()
        for grant in grants where seen.insert(grant.clientID + "|" + grant.sessionID).inserted {
            guard let url = parties.first(where: { $0.registration.id == grant.clientID })?.registration.backChannelLogoutURI else { continue }
            notices.append(.logout(LogoutNotice(clientID: grant.clientID, subject: grant.subject, sessionID: grant.sessionID, url: url)))
        }
        try await insertOutbox(notices, at: now, on: sql)
    }

    static func revokeGrant(_ id: String, at now: Int64, on sql: any SQLDatabase) async throws {
        try await sql.raw("UPDATE oidc_grants SET revoked_at = \(bind: now) WHERE id = \(bind: id) AND revoked_at IS NULL").run()
        try await sql.raw("DELETE FROM oidc_refresh_tokens WHERE grant_id = \(bind: id)").run()
    }

    private static func liveGrant(_ id: String, now: Int64, on sql: any SQLDatabase, active: Bool = false) async throws -> TokenIssuer.Grant? {
        guard let details = try await sql.raw("""
            SELECT details FROM oidc_grants WHERE id = \(bind: id) AND revoked_at IS NULL AND expires_at > \(bind: now)
            \(unsafeRaw: active ? "AND active_at IS NOT NULL" : "")
            """).first(decodingColumn: "details", as: String.self) else { return nil }
        return try fromJSON(TokenIssuer.Grant.self, details)
    }

    private static func insertRefreshToken(grant: String, at now: Int64, on sql: any SQLDatabase) async throws -> String {
        let token = Secret.token()
        try await sql.raw("""
            INSERT INTO oidc_refresh_tokens (hash, grant_id, expires_at) VALUES
            (\(bind: Secret.hash(token)), \(bind: grant), \(bind: now + Int64(TokenIssuer.refreshTokenLifetime * 1000)))
            """).run()
        return token
    }
}
