import FluentKit
import SQLKit

/// The commune's own reference for a relayed request, as its software gave it through the connector API.
struct UpdateRelaysAddReference: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await (db as! any SQLDatabase).raw("ALTER TABLE relays ADD COLUMN reference TEXT").run()
    }
    func revert(on db: any Database) async throws {
        try await (db as! any SQLDatabase).raw("ALTER TABLE relays DROP COLUMN reference").run()
    }
}
