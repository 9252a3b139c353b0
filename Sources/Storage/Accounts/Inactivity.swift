import Foundation
import Identity
import SQLKit

extension Store {
    /// A sign-in: the account is in use (any warning of inactivity is void), and its journal says so, in one
    /// transaction.
    public func recordSignIn(accountID: String, journal event: SecurityEvent?) async throws {
        let now = nowMillis
        try await write { sql in
            try await sql.raw("UPDATE accounts SET last_seen_at = \(bind: now), inactivity_warned_at = NULL WHERE id = \(bind: accountID)").run()
            if let event { try await Self.insert(event, on: sql) }
        }
    }

    /// Warns (through the outbox, in the same transaction) up to `limit` citizens' accounts unused since the
    /// policy's warning age; agents' accounts are their admins' to close. Returns how many.
    public func warnInactiveAccounts(_ policy: InactivityPolicy, limit: Int = 100,
                                     mail: @escaping @Sendable (_ email: String, _ deletionDay: Date) -> OutboxMail) async throws -> Int {
        struct Row: Decodable { var id: String; var email: String }
        let now = clock(), before = Self.millis(policy.warnIfLastUsedBefore(now)), deletion = policy.deletionDay(warnedAt: now)
        return try await write { sql in
            let rows = try await sql.raw("""
                SELECT id, email FROM accounts a WHERE inactivity_warned_at IS NULL AND COALESCE(last_seen_at, created_at) < \(bind: before)
                AND disabled_at IS NULL AND NOT EXISTS (SELECT 1 FROM agent_roles r WHERE r.account_id = a.id)
                ORDER BY COALESCE(last_seen_at, created_at) LIMIT \(bind: limit)
                """).all(decoding: Row.self)
            if !rows.isEmpty {
                try await sql.raw("UPDATE accounts SET inactivity_warned_at = \(bind: Self.millis(now)) WHERE id IN (\(binds: rows.map(\.id)))").run()
            }
            try await Self.insertOutbox(rows.map { mail($0.email, deletion) }, at: Self.millis(now), on: sql)
            return rows.count
        }
    }

    /// Deletes up to `limit` accounts unused since the policy's deletion age and warned at least the notice ago
    /// (`deleteAccount`, with a journal line). Returns how many.
    public func deleteInactiveAccounts(_ policy: InactivityPolicy, limit: Int = 100) async throws -> Int {
        let now = clock()
        let ids = try await sql.raw("""
            SELECT id FROM accounts a WHERE COALESCE(last_seen_at, created_at) < \(bind: Self.millis(policy.deleteIfLastUsedBefore(now)))
            AND inactivity_warned_at IS NOT NULL AND inactivity_warned_at <= \(bind: Self.millis(policy.deleteIfWarnedBefore(now)))
            AND NOT EXISTS (SELECT 1 FROM agent_roles r WHERE r.account_id = a.id) LIMIT \(bind: limit)
            """).all(decodingColumn: "id", as: String.self)
        for id in ids {
            try await deleteAccount(accountID: id, journal: SecurityEvent(accountID: id, at: now, kind: .accountDeleted,
                                                                          detail: "inutilisé depuis \(policy.deleteAfterMonths) mois"))
        }
        return ids.count
    }
}
