import FluentKit
import SQLKit

/// What an API token may do: `lecture` (read only) or `ecriture` (read and act, as its agent). Tokens made
/// before could act: they keep `ecriture`.
struct UpdateTokensAddAccess: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await (db as! any SQLDatabase).raw("ALTER TABLE tokens ADD COLUMN access TEXT NOT NULL DEFAULT 'ecriture'").run()
    }
    func revert(on db: any Database) async throws {
        try await (db as! any SQLDatabase).raw("ALTER TABLE tokens DROP COLUMN access").run()
    }
}
