import FluentKit
import SQLKit

/// Per category, the address a commune receives its relayed requests at instead of the town hall's (a JSON
/// object, commune slug → e-mail address).
struct UpdateCompetenceCategoriesAddRelayAddresses: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await (db as! any SQLDatabase).raw("ALTER TABLE competence_categories ADD COLUMN relay_addresses TEXT NOT NULL DEFAULT '{}'").run()
    }
    func revert(on db: any Database) async throws {
        try await (db as! any SQLDatabase).raw("ALTER TABLE competence_categories DROP COLUMN relay_addresses").run()
    }
}
