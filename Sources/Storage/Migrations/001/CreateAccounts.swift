import FluentKit

/// One account per person, citizen or agent. `email` is stored lowercased. Linking FranceConnect or our own
/// OIDC provider will add an identities table keyed by account id, not change this one.
struct CreateAccounts: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema("accounts")
            .field("id", .string, .identifier(auto: false))
            .field("email", .string, .required).unique(on: "email")
            .field("name", .string, .required)
            .field("password_hash", .string, .required)
            .millis("confirmed_at", required: false)
            .millis("created_at")
            .create()
    }
    func revert(on db: any Database) async throws { try await db.schema("accounts").delete() }
}
