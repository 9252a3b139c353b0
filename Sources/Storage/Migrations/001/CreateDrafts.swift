import FluentKit

/// Drafts keep what a signed-in citizen typed, unvalidated, to finish later (files are not kept in drafts).
struct CreateDrafts: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema("drafts")
            .field("id", .string, .identifier(auto: false))
            .field("account_id", .string, .required, .references("accounts", "id", onDelete: .cascade))
            .field("demarche_id", .string, .required, .references("demarches", "id"))
            .field("values", .string, .required)
            .millis("updated_at")
            .unique(on: "account_id", "demarche_id")
            .create()
    }
    func revert(on db: any Database) async throws { try await db.schema("drafts").delete() }
}
