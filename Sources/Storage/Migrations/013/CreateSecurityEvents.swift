import FluentKit

/// The security journal: sign-ins, refused passwords, password and identity changes, sessions and applications
/// ended. Read by the account holder (« Journal de sécurité ») and searched by the Métropole's admins; kept a
/// year (`Store.securityEventRetention`).
struct CreateSecurityEvents: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema("security_events")
            .field("id", .string, .identifier(auto: false))
            .field("account_id", .string, .required)
            .millis("at")
            .field("kind", .string, .required)
            .field("ip", .string)
            .field("device", .string)
            .field("detail", .string)
            .create()
        try await createIndex(db, "security_events_account_at", on: "security_events", "account_id", "at")
        try await createIndex(db, "security_events_at", on: "security_events", "at")
    }
    func revert(on db: any Database) async throws { try await db.schema("security_events").delete() }
}
