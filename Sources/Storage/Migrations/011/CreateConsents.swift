import FluentKit

/// What each person let each application have (scopes, space-separated), remembered so they are asked once;
/// the citizen withdraws it from « Applications connectées ».
struct CreateConsents: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema("oidc_consents")
            .field("account_id", .string, .required)
            .field("client_id", .string, .required)
            .field("scopes", .string, .required)
            .millis("granted_at")
            .compositeIdentifier(over: "account_id", "client_id")
            .create()
    }
    func revert(on db: any Database) async throws { try await db.schema("oidc_consents").delete() }
}
