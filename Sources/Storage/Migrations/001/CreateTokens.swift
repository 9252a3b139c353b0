import FluentKit

/// Secrets sent to people: e-mail confirmation, password reset, API tokens. Only the SHA-256 is kept.
struct CreateTokens: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema("tokens")
            .field("hash", .string, .identifier(auto: false))
            .field("account_id", .string, .required, .references("accounts", "id", onDelete: .cascade))
            .field("purpose", .string, .required)
            .field("collectivite", .string)
            .field("label", .string)
            .millis("expires_at", required: false)
            .millis("created_at")
            .create()
    }
    func revert(on db: any Database) async throws { try await db.schema("tokens").delete() }
}
