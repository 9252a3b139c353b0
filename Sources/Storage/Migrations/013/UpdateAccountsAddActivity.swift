import FluentKit
import SQLKit

/// When an account last signed in (`last_seen_at`; before this, its creation counts) and when it was warned of its
/// coming deletion for inactivity (cleared by its next sign-in).
struct UpdateAccountsAddActivity: AsyncMigration {
    func prepare(on db: any Database) async throws {
        let sql = db as! any SQLDatabase
        try await sql.raw("ALTER TABLE accounts ADD COLUMN last_seen_at BIGINT").run()
        try await sql.raw("ALTER TABLE accounts ADD COLUMN inactivity_warned_at BIGINT").run()
    }

    func revert(on db: any Database) async throws {
        let sql = db as! any SQLDatabase
        for column in ["inactivity_warned_at", "last_seen_at"] { try await sql.raw("ALTER TABLE accounts DROP COLUMN \(unsafeRaw: column)").run() }
    }
}
