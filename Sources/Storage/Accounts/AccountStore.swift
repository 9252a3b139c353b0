import Foundation
import Identity
import SQLKit

public struct Account: Sendable, Equatable, Decodable {
    public var id: String
    public var email: String
    public var name: String
    public var passwordHash: String
    var confirmedAt: Int64?
    /// Sessions opened under another epoch are over (`Request.account()` checks it).
    public var sessionEpoch: Int64
    var disabledAt: Int64?
    var createdAt: Int64
    /// The INSEE code of the commune the holder lives in, as they said it.
    public var commune: String?
    public var isConfirmed: Bool { confirmedAt != nil }
    public var isDisabled: Bool { disabledAt != nil }
}

/// A collectivité where an account is an agent, with its roles there.
public struct AgentMembership: Sendable, Equatable {
    public var slug: String
    public var name: String
    public var roles: [String]
}

public enum TokenPurpose: String, Sendable {
    case confirmEmail = "confirm", resetPassword = "reset", api
    /// A link sent to the new address of an account (`label`: that address).
    case changeEmail = "email"
}

extension Store {
    /// Creates an account; `.conflict` if the e-mail is taken.
    public func createAccount(email: String, name: String, passwordHash: String, confirmed: Bool = false) async throws -> Account {
        let account = Account(id: newID(), email: email.lowercased(), name: name, passwordHash: passwordHash,
                              confirmedAt: confirmed ? nowMillis : nil, sessionEpoch: 0, disabledAt: nil, createdAt: nowMillis, commune: nil)
        try await write { sql in
            let taken = try await sql.raw("SELECT id FROM accounts WHERE email = \(bind: account.email)").first() != nil
            if taken { throw StoreError.conflict("email") }
            try await sql.raw("""
                INSERT INTO accounts (id, email, name, password_hash, confirmed_at, created_at)
                VALUES (\(bind: account.id), \(bind: account.email), \(bind: name), \(bind: passwordHash), \(bind: account.confirmedAt), \(bind: account.createdAt))
                """).run()
        }
        return account
    }

    public func account(email: String) async throws -> Account? {
        try await sql.raw("SELECT * FROM accounts WHERE email = \(bind: email.lowercased())")
            .first(decoding: Account.self, keyDecodingStrategy: .convertFromSnakeCase)
    }

    public func account(id: String) async throws -> Account? {
        try await sql.raw("SELECT * FROM accounts WHERE id = \(bind: id)")
            .first(decoding: Account.self, keyDecodingStrategy: .convertFromSnakeCase)
    }

    /// A new password ends everything the old one opened: every session (the epoch moves), the other reset
    /// links, the account's API tokens, and what applications were given (GrandLyon Connect grants).
    public func setPassword(accountID: String, passwordHash: String) async throws {
        try await write { sql in
            try await sql.raw("""
                UPDATE accounts SET password_hash = \(bind: passwordHash), session_epoch = session_epoch + 1 WHERE id = \(bind: accountID)
                """).run()
            try await sql.raw("DELETE FROM tokens WHERE account_id = \(bind: accountID) AND purpose IN ('reset', 'api')").run()
            try await sql.raw("UPDATE oidc_grants SET revoked_at = \(bind: self.nowMillis) WHERE account_id = \(bind: accountID) AND revoked_at IS NULL").run()
            try await sql.raw("DELETE FROM oidc_refresh_tokens WHERE grant_id IN (SELECT id FROM oidc_grants WHERE account_id = \(bind: accountID))").run()
        }
    }

    /// Replaces a password's hash by a stronger one of the same password (made at sign-in): nothing else changes,
    /// sessions and tokens stay.
    public func upgradePasswordHash(accountID: String, from old: String, to new: String) async throws {
        try await write { sql in
            try await sql.raw("UPDATE accounts SET password_hash = \(bind: new) WHERE id = \(bind: accountID) AND password_hash = \(bind: old)").run()
        }
    }

    /// Issues a one-time secret (confirmation, reset) and returns it in clear, the only time it exists in clear.
    public func issueToken(accountID: String, purpose: TokenPurpose, lifetime: TimeInterval?) async throws -> String {
        let token = Secret.token()
        let now = nowMillis
        try await write { sql in
            try await Self.insertToken(token, accountID: accountID, purpose: purpose, expiresAt: lifetime.map { now + Int64($0 * 1000) }, at: now, on: sql)
        }
        return token
    }

    /// A token row: only the secret's hash is kept. `access` matters for API tokens only.
    static func insertToken(_ token: String, accountID: String, purpose: TokenPurpose, collectivite: String? = nil, label: String? = nil,
                            access: APIAccess = .lecture, expiresAt: Int64?, at now: Int64, on sql: any SQLDatabase) async throws {
        try await sql.raw("""
            INSERT INTO tokens (hash, account_id, purpose, collectivite, label, expires_at, created_at, access)
            VALUES (\(bind: Secret.hash(token)), \(bind: accountID), \(bind: purpose.rawValue), \(bind: collectivite), \(bind: label),
                    \(bind: expiresAt), \(bind: now), \(bind: access.rawValue))
            """).run()
    }

    /// Adds roles an account may already hold (those are left as they are).
    static func insertRoles(_ roles: [String], accountID: String, collectivite: String, on sql: any SQLDatabase) async throws {
        for role in roles {
            try await sql.raw("""
                INSERT INTO agent_roles (account_id, collectivite, role) VALUES (\(bind: accountID), \(bind: collectivite), \(bind: role))
                ON CONFLICT DO NOTHING
                """).run()
        }
    }

    /// Uses up a one-time token (confirmation, reset) and returns its account, or nil if unknown or expired.
    public func consumeToken(_ token: String, purpose: TokenPurpose) async throws -> String? {
        let hash = Secret.hash(token)
        let now = nowMillis
        return try await write { sql in
            guard let accountID = try await sql.raw("""
                SELECT account_id FROM tokens WHERE hash = \(bind: hash) AND purpose = \(bind: purpose.rawValue)
                AND (expires_at IS NULL OR expires_at > \(bind: now))
                """).first(decodingColumn: "account_id", as: String.self) else { return nil }
            try await sql.raw("DELETE FROM tokens WHERE hash = \(bind: hash)").run()
            if purpose == .confirmEmail || purpose == .resetPassword {  // either link proves the address
                try await sql.raw("UPDATE accounts SET confirmed_at = \(bind: now) WHERE id = \(bind: accountID) AND confirmed_at IS NULL").run()
            }
            return accountID
        }
    }

    /// Accounts of the demo (`guichet seed`): addresses at demo.fr or one of its subdomains.
    public func demoAccountEmails() async throws -> [String] {
        try await sql.raw("SELECT email FROM accounts WHERE email LIKE '%@demo.fr' OR email LIKE '%.demo.fr' ORDER BY email")
            .all(decodingColumn: "email", as: String.self)
    }

    /// The admins' addresses and password hashes, for the production start-up check against the demo password.
    public func adminPasswordHashes() async throws -> [(email: String, hash: String)] {
        struct Row: Decodable { var email: String; var passwordHash: String }
        return try await sql.raw("""
            SELECT DISTINCT a.email, a.password_hash FROM accounts a JOIN agent_roles r ON r.account_id = a.id WHERE r.role = 'admin'
            """).all(decoding: Row.self, keyDecodingStrategy: .convertFromSnakeCase).map { ($0.email, $0.passwordHash) }
    }

    public func grantRoles(accountID: String, collectivite: String, roles: [String]) async throws {
        try await write { sql in try await Self.insertRoles(roles, accountID: accountID, collectivite: collectivite, on: sql) }
    }

    public func agentMemberships(accountID: String) async throws -> [AgentMembership] {
        struct Row: Decodable { var slug: String; var name: String; var role: String }
        let rows = try await sql.raw("""
            SELECT c.slug, c.name, r.role FROM agent_roles r JOIN collectivites c ON c.slug = r.collectivite
            WHERE r.account_id = \(bind: accountID) ORDER BY c.slug, r.role
            """).all(decoding: Row.self)
        var result: [AgentMembership] = []
        for row in rows {
            if result.last?.slug == row.slug { result[result.count - 1].roles.append(row.role) }
            else { result.append(AgentMembership(slug: row.slug, name: row.name, roles: [row.role])) }
        }
        return result.sortedFrench(by: \.name)
    }
}
