import Foundation
import SQLKit

extension Store {
    /// Saves what a signed-in citizen typed so far for a démarche of the scope (one draft per démarche).
    public func saveDraft(accountID: String, demarcheID: String, values: [String: [String]], in scope: TenantScope) async throws {
        let now = nowMillis
        let text = try jsonText(values)
        try await write { sql in
            let owned = try await sql.raw("SELECT id FROM demarches WHERE id = \(bind: demarcheID) AND collectivite = \(bind: scope.slug)").first()
            guard owned != nil else { throw StoreError.notFound }
            try await sql.raw("""
                INSERT INTO drafts (id, account_id, demarche_id, "values", updated_at)
                VALUES (\(bind: newID()), \(bind: accountID), \(bind: demarcheID), \(bind: text), \(bind: now))
                ON CONFLICT (account_id, demarche_id) DO UPDATE SET "values" = excluded."values", updated_at = excluded.updated_at
                """).run()
        }
    }

    public func draft(accountID: String, demarcheID: String) async throws -> [String: [String]]? {
        try await sql.raw("""
            SELECT "values" FROM drafts WHERE account_id = \(bind: accountID) AND demarche_id = \(bind: demarcheID)
            """).first(decodingColumn: "values", as: String.self).map { try fromJSON([String: [String]].self, $0) }
    }

    public func deleteDraft(accountID: String, demarcheID: String) async throws {
        try await write { sql in
            try await sql.raw("DELETE FROM drafts WHERE account_id = \(bind: accountID) AND demarche_id = \(bind: demarcheID)").run()
        }
    }
}
