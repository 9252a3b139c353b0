import FluentKit

/// Immutable definitions: a version, once written, is never changed, so requests filed with it keep rendering.
struct CreateDemarcheVersions: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema("demarche_versions")
            .field("demarche_id", .string, .required, .references("demarches", "id"))
            .field("version", .int, .required)
            .field("definition", .string, .required)
            .field("author_id", .string)
            .millis("created_at")
            .compositeIdentifier(over: "demarche_id", "version")
            .create()
    }
    func revert(on db: any Database) async throws { try await db.schema("demarche_versions").delete() }
}
