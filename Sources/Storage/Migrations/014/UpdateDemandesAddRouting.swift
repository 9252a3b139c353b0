import FluentKit
import SQLKit

/// Who answers for a request (`routed_to`, a collectivité's slug, and `routed_service`, one of its roles) and
/// the category of competence it was given; null for requests filed before routing, which stay with the
/// collectivité they were filed with.
struct UpdateDemandesAddRouting: AsyncMigration {
    func prepare(on db: any Database) async throws {
        let sql = db as! any SQLDatabase
        for column in ["category", "routed_to", "routed_service"] {
            try await sql.raw("ALTER TABLE demandes ADD COLUMN \(unsafeRaw: column) TEXT").run()
        }
        try await createIndex(db, "demandes_routed_to", on: "demandes", "routed_to")
    }
    func revert(on db: any Database) async throws {
        let sql = db as! any SQLDatabase
        try await sql.raw("DROP INDEX demandes_routed_to").run()
        for column in ["routed_service", "routed_to", "category"] { try await sql.raw("ALTER TABLE demandes DROP COLUMN \(unsafeRaw: column)").run() }
    }
}
