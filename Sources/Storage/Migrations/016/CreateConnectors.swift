import FluentKit

/// A *connecté* commune's connector (`Connector`): where Guichet posts the events of the requests relayed to it
/// (`url`), the hash of the token its software calls the inbound API with, the generation of its signing key
/// (rotating the credentials bumps it), and whether deliveries run: `disabled_at` and `disabled_reason` say when
/// and why they stopped (an admin, or persistent failure).
struct CreateConnectors: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema("connectors")
            .field("collectivite", .string, .identifier(auto: false))
            .field("url", .string, .required)
            .field("token_hash", .string, .required)
            .field("key_generation", .int, .required)
            .millis("disabled_at", required: false)
            .field("disabled_reason", .string)
            .millis("created_at")
            .millis("updated_at")
            .unique(on: "token_hash")
            .create()
    }
    func revert(on db: any Database) async throws { try await db.schema("connectors").delete() }
}
