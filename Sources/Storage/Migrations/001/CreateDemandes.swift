import FluentKit

/// Requests. `search_text` is a lowercased digest of the number, e-mail and text values, for the inbox's free search.
struct CreateDemandes: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema("demandes")
            .field("id", .string, .identifier(auto: false))
            .field("collectivite", .string, .required, .references("collectivites", "slug"))
            .field("demarche_id", .string, .required, .references("demarches", "id"))
            .field("demarche_version", .int, .required)
            .field("number", .string, .required).unique(on: "number")
            .field("status", .string, .required)
            .field("account_id", .string)
            .field("email", .string, .required)
            .field("tracking_hash", .string, .required)
            .field("data", .string, .required)
            .field("search_text", .string, .required)
            .millis("submitted_at")
            .millis("updated_at")
            .create()
        try await createIndex(db, "demandes_inbox", on: "demandes", "collectivite", "submitted_at")
        try await createIndex(db, "demandes_inbox_status", on: "demandes", "collectivite", "status", "submitted_at")
        try await createIndex(db, "demandes_inbox_demarche", on: "demandes", "collectivite", "demarche_id", "submitted_at")
        try await createIndex(db, "demandes_account", on: "demandes", "account_id", "submitted_at")
    }
    func revert(on db: any Database) async throws { try await db.schema("demandes").delete() }
}
