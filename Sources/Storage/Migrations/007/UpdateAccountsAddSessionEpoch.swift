import FluentKit
import SQLKit

/// `session_epoch`: sessions carry the epoch they were opened under and die when it moves (a password reset, an
/// agent disabled), all at once, without finding them among the session rows. `disabled_at`: an account its
/// collectivité's admin disabled, which can no longer sign in.
struct UpdateAccountsAddSessionEpoch: AsyncMigration {
    static let columns = ["session_epoch BIGINT NOT NULL DEFAULT 0", "disabled_at BIGINT"]

    func prepare(on db: any Database) async throws {
        let sql = db as! any SQLDatabase
        for column in Self.columns { try await sql.raw("ALTER TABLE accounts ADD COLUMN \(unsafeRaw: column)").run() }
    }

    func revert(on db: any Database) async throws {
        let sql = db as! any SQLDatabase
        for column in Self.columns { try await sql.raw("ALTER TABLE accounts DROP COLUMN \(unsafeRaw: String(column.prefix { $0 != " " }))").run() }
    }
}
