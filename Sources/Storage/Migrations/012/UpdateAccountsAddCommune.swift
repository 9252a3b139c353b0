import FluentKit
import SQLKit

/// `commune`: the INSEE code of the commune the account holder lives in, as they say it. An application bound to
/// a shared service (laclasse.com) lets in only the people of the communes that subscribe to it.
struct UpdateAccountsAddCommune: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await (db as! any SQLDatabase).raw("ALTER TABLE accounts ADD COLUMN commune VARCHAR(5)").run()
    }

    func revert(on db: any Database) async throws {
        try await (db as! any SQLDatabase).raw("ALTER TABLE accounts DROP COLUMN commune").run()
    }
}
