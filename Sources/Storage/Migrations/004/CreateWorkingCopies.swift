import FluentKit

/// The designer's working copy of a démarche: edited field by field, allowed to have problems, published (then
/// deleted) when it has none. `revision` grows with every save so that an edit made from a stale page is refused
/// rather than silently undoing a colleague's change. One copy per démarche and collectivité.
struct CreateWorkingCopies: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema("working_copies")
            .field("collectivite", .string, .required, .references("collectivites", "slug"))
            .field("slug", .string, .required)
            .field("definition", .string, .required)
            .field("revision", .int, .required)
            .field("based_on_version", .int)
            .field("author_id", .string)
            .millis("updated_at")
            .unique(on: "collectivite", "slug")
            .create()
    }
    func revert(on db: any Database) async throws { try await db.schema("working_copies").delete() }
}
