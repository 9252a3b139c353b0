import Foundation
import Identity
import SQLKit

/// What an API token may do.
public enum APIAccess: String, Sendable, CaseIterable {
    case lecture, ecriture
    public var label: String { self == .lecture ? "Lecture seule" : "Lecture et actions" }
}

/// An API token as the tokens page lists it (never the secret: only its hash is kept, which also names it).
public struct APITokenSummary: Sendable, Equatable {
    public var id: String
    public var label: String
    public var ownerEmail: String
    public var ownerName: String
    public var access: APIAccess
    public var createdAt: Date
    public var expiresAt: Date?
}

/// What a valid token grants: its agent's scope, and whether it may act.
public struct APIGrant: Sendable {
    public var scope: TenantScope
    public var mayAct: Bool
}

extension Store {
    /// Lifetimes offered for API tokens, in days.
    public static let apiTokenLifetimes = [30, 90, 365]

    /// Issues an API token for the scope's agent in its collectivité; returned in clear this once.
    public func issueAPIToken(label: String, days: Int, access: APIAccess, in scope: TenantScope) async throws -> String {
        guard let accountID = scope.agentID else { throw StoreError.forbidden }
        guard Self.apiTokenLifetimes.contains(days) else { throw StoreError.conflict("lifetime") }
        let token = Secret.token()
        let now = nowMillis
        try await write { sql in
            try await Self.insertToken(token, accountID: accountID, purpose: .api, collectivite: scope.slug, label: label.isEmpty ? nil : label,
                                       access: access, expiresAt: now + Int64(days) * 86_400_000, at: now, on: sql)
        }
        return token
    }

    /// The collectivité's API tokens still valid: all of them for its admins, their own for the others.
    public func apiTokens(in scope: TenantScope) async throws -> [APITokenSummary] {
        guard let accountID = scope.agentID else { throw StoreError.forbidden }
        struct Row: Decodable { var hash: String; var label: String?; var email: String; var name: String; var access: String; var createdAt: Int64; var expiresAt: Int64? }
        let rows = try await sql.raw("""
            SELECT t.hash, t.label, a.email, a.name, t.access, t.created_at, t.expires_at FROM tokens t JOIN accounts a ON a.id = t.account_id
            WHERE t.purpose = 'api' AND t.collectivite = \(bind: scope.slug) AND (t.expires_at IS NULL OR t.expires_at > \(bind: nowMillis))
              AND (\(bind: scope.isAdmin) OR t.account_id = \(bind: accountID))
            ORDER BY t.created_at DESC
            """).all(decoding: Row.self, keyDecodingStrategy: .convertFromSnakeCase)
        return rows.map {
            APITokenSummary(id: $0.hash, label: $0.label ?? "", ownerEmail: $0.email, ownerName: $0.name, access: APIAccess(rawValue: $0.access) ?? .lecture,
                            createdAt: Date(millis: $0.createdAt), expiresAt: $0.expiresAt.map(Date.init(millis:)))
        }
    }

    /// Revokes a token of the collectivité: any for its admins, their own for the others; `.notFound` otherwise.
    public func revokeAPIToken(id: String, in scope: TenantScope) async throws {
        guard let accountID = scope.agentID else { throw StoreError.forbidden }
        let revoked = try await write { sql -> Int in
            let rows = try await sql.raw("""
                DELETE FROM tokens WHERE hash = \(bind: id) AND purpose = 'api' AND collectivite = \(bind: scope.slug)
                  AND (\(bind: scope.isAdmin) OR account_id = \(bind: accountID))
                RETURNING hash
                """).all()
            return rows.count
        }
        if revoked == 0 { throw StoreError.notFound }
    }

    /// What a token grants, or nil (unknown, expired, or its agent no longer holds a role there).
    public func apiGrant(token: String) async throws -> APIGrant? {
        struct Row: Decodable { var accountId: String; var collectivite: String; var access: String }
        guard let row = try await sql.raw("""
            SELECT account_id, collectivite, access FROM tokens WHERE hash = \(bind: Secret.hash(token)) AND purpose = 'api'
            AND (expires_at IS NULL OR expires_at > \(bind: nowMillis))
            """).first(decoding: Row.self, keyDecodingStrategy: .convertFromSnakeCase),
              let scope = try await agentScope(slug: row.collectivite, accountID: row.accountId) else { return nil }
        return APIGrant(scope: scope, mayAct: row.access == APIAccess.ecriture.rawValue)
    }
}
