import FluentKit

/// A collectivité's data sources (reference tables and JSON URLs) that choice fields read. `definition` is the
/// source as JSON, a table's rows included: tables are read whole (to fill a form's options) and written whole
/// (from the back-office or an imported bundle), never row by row. `updated_at` tells the cache of resolved forms
/// that a source changed.
struct CreateDataSources: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema("data_sources")
            .field("collectivite", .string, .required, .references("collectivites", "slug"))
            .field("slug", .string, .required)
            .field("title", .string, .required)
            .field("kind", .string, .required)
            .field("definition", .string, .required)
            .millis("updated_at")
            .unique(on: "collectivite", "slug")
            .create()
    }
    func revert(on db: any Database) async throws { try await db.schema("data_sources").delete() }
}
