import FluentKit
import SQLKit

/// Whose session it is (`account_id`, set once someone signs in), since when, and on what device, so that
/// « Mes sessions » lists a person's sessions and ends one of them.
struct UpdateSessionsAddOwner: AsyncMigration {
    func prepare(on db: any Database) async throws {
        let sql = db as! any SQLDatabase
        try await sql.raw("ALTER TABLE sessions ADD COLUMN account_id VARCHAR(64)").run()
        try await sql.raw("ALTER TABLE sessions ADD COLUMN started_at BIGINT").run()
        try await sql.raw("ALTER TABLE sessions ADD COLUMN device VARCHAR(80)").run()
        try await createIndex(db, "sessions_account_id", on: "sessions", "account_id")
    }

    func revert(on db: any Database) async throws {
        let sql = db as! any SQLDatabase
        try await sql.raw("DROP INDEX sessions_account_id").run()
        for column in ["device", "started_at", "account_id"] { try await sql.raw("ALTER TABLE sessions DROP COLUMN \(unsafeRaw: column)").run() }
    }
}
