import Foundation
import Identity
import SQLKit

public struct Account: Sendable, Equatable, Decodable {
    public var id: String
    public var email: String
    public var name: String
    public var passwordHash: String
    var confirmedAt: Int64?
    public var isConfirmed: Bool { confirmedAt != nil }
}

/// A collectivité where an account is an agent, with its roles there.
public struct AgentMembership: Sendable, Equatable {
    public var slug: String
    public var name: String
    public var roles: [String]
}

public enum TokenPurpose: String, Sendable {
    case confirmEmail = "confirm", resetPassword = "reset", api
}

extension Store {
    /// Creates an account; `.conflict` if the e-mail is taken.
    public func createAccount(email: String, name: String, passwordHash: String, confirmed: Bool = false) async throws -> Account {
        let account = Account(id: newID(), email: email.lowercased(), name: name, passwordHash: passwordHash,
                              confirmedAt: confirmed ? nowMillis : nil)
        try await write { sql in
            let taken = try await sql.raw("SELECT id FROM accounts WHERE email = \(bind: account.email)").first() != nil
            if taken { throw StoreError.conflict("email") }
            try await sql.raw("""
                INSERT INTO accounts (id, email, name, password_hash, confirmed_at, created_at)
                VALUES (\(bind: account.id), \(bind: account.email), \(bind: name), \(bind: passwordHash), \(bind: account.confirmedAt), \(bind: self.nowMillis))
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

    public func setPassword(accountID: String, passwordHash: String) async throws {
        try await write { sql in
            try await sql.raw("UPDATE accounts SET password_hash = \(bind: passwordHash) WHERE id = \(bind: accountID)").run()
        }
    }

    /// Issues a secret for an account and returns it in clear, the only time it exists in clear.
    public func issueToken(accountID: String, purpose: TokenPurpose, lifetime: TimeInterval?,
                           collectivite: String? = nil, label: String? = nil) async throws -> String {
        let token = Secret.token()
        let expires = lifetime.map { nowMillis + Int64($0 * 1000) }
        try await write { sql in
            try await sql.raw("""
                INSERT INTO tokens (hash, account_id, purpose, collectivite, label, expires_at, created_at)
                VALUES (\(bind: Secret.hash(token)), \(bind: accountID), \(bind: purpose.rawValue), \(bind: collectivite),
                        \(bind: label), \(bind: expires), \(bind: self.nowMillis))
                """).run()
        }
        return token
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

    /// The agent scope an API token grants, or nil.
    public func apiScope(token: String) async throws -> TenantScope? {
        struct Row: Decodable { var accountId: String; var collectivite: String }
        guard let row = try await sql.raw("""
            SELECT account_id, collectivite FROM tokens WHERE hash = \(bind: Secret.hash(token)) AND purpose = 'api'
            AND (expires_at IS NULL OR expires_at > \(bind: nowMillis))
            """).first(decoding: Row.self, keyDecodingStrategy: .convertFromSnakeCase) else { return nil }
        return try await agentScope(slug: row.collectivite, accountID: row.accountId)
    }

    public func grantRoles(accountID: String, collectivite: String, roles: [String]) async throws {
        try await write { sql in
            for role in roles {
                try await sql.raw("""
                    INSERT INTO agent_roles (account_id, collectivite, role) VALUES (\(bind: accountID), \(bind: collectivite), \(bind: role))
                    ON CONFLICT DO NOTHING
                    """).run()
            }
        }
    }

    public func agentMemberships(accountID: String) async throws -> [AgentMembership] {
        struct Row: Decodable { var slug: String; var name: String; var role: String }
        let rows = try await sql.raw("""
            SELECT c.slug, c.name, r.role FROM agent_roles r JOIN collectivites c ON c.slug = r.collectivite
            WHERE r.account_id = \(bind: accountID) ORDER BY c.name, r.role
            """).all(decoding: Row.self)
        var result: [AgentMembership] = []
        for row in rows {
            if result.last?.slug == row.slug { result[result.count - 1].roles.append(row.role) }
            else { result.append(AgentMembership(slug: row.slug, name: row.name, roles: [row.role])) }
        }
        return result
    }
}
