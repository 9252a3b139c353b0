import FluentKit
import Routing
import SQLKit

/// The categories of competence (voirie, éclairage public…): their usual level, the service that handles them,
/// and per-commune exceptions (a JSON object, commune slug → level). Seeded with `CompetenceCategory.defaults`,
/// which the Métropole's admins then edit.
struct CreateCompetenceCategories: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema("competence_categories")
            .field("id", .string, .identifier(auto: false))
            .field("label", .string, .required)
            .field("level", .string, .required)
            .field("service", .string)
            .field("exceptions", .string, .required)
            .field("position", .int, .required)
            .create()
        let sql = db as! any SQLDatabase
        for (position, category) in CompetenceCategory.defaults.enumerated() {
            try await sql.raw("""
                INSERT INTO competence_categories (id, label, level, service, exceptions, position)
                VALUES (\(bind: category.id), \(bind: category.label), \(bind: category.level.rawValue), \(bind: category.service), '{}', \(bind: position))
                """).run()
        }
    }
    func revert(on db: any Database) async throws { try await db.schema("competence_categories").delete() }
}
