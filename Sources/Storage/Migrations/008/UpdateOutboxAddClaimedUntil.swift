import FluentKit
import SQLKit

/// Until when a message is claimed for delivery (NULL: not claimed), apart from when it is next due: a server
/// restarting alone on its SQLite file gives the claims of the process it replaces back at once, instead of
/// after their lease, without also making due the messages waiting out a failure's backoff.
struct UpdateOutboxAddClaimedUntil: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await (db as! any SQLDatabase).raw("ALTER TABLE outbox ADD COLUMN claimed_until BIGINT").run()
    }
    func revert(on db: any Database) async throws {
        try await (db as! any SQLDatabase).raw("ALTER TABLE outbox DROP COLUMN claimed_until").run()
    }
}
