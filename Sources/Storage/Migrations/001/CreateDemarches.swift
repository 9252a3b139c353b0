import FluentKit
import SQLKit

/// A démarche of a collectivité; its definitions live in `demarche_versions`. `roles` is the union of the roles
/// its versions' workflows name, so the inbox can tell which agents see it without parsing definitions.
struct CreateDemarches: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema("demarches")
            .field("id", .string, .identifier(auto: false))
            .field("collectivite", .string, .required, .references("collectivites", "slug"))
            .field("slug", .string, .required)
            .field("title", .string, .required)
            .field("current_version", .int, .required)
            .field("roles", .string, .required)
            .millis("published_at", required: false)
            .millis("created_at")
            .unique(on: "collectivite", "slug")
            .create()
    }
    func revert(on db: any Database) async throws { try await db.schema("demarches").delete() }
}
