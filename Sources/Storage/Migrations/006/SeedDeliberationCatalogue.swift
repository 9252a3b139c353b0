import Conventions
import FluentKit
import SQLKit

/// Every instance starts from the catalogue deliberation CP-2025-4074 sets (Toodego, laclasse.com, in 2026
/// euros); later changes are the admins', by avenant.
struct SeedDeliberationCatalogue: AsyncMigration {
    func prepare(on db: any Database) async throws {
        let sql = db as! any SQLDatabase
        for (position, service) in ServiceCatalogue.deliberation2025.enumerated() {
            try await Store.insertService(service, position: position, on: sql)
        }
    }
    func revert(on db: any Database) async throws {
        try await (db as! any SQLDatabase).raw("DELETE FROM shared_services").run()
    }
}
