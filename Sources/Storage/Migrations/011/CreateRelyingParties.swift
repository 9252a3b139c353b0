import FluentKit

/// The applications that sign people in with Guichet's accounts. `registration` is the `RelyingParty` as JSON
/// (redirect URIs, scopes, logout addresses: read together, never queried apart); `secret_hash` the SHA-256 of a
/// confidential client's secret (256 random bits: a fast hash is enough), null for a public client.
struct CreateRelyingParties: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema("oidc_clients")
            .field("id", .string, .identifier(auto: false))
            .field("registration", .string, .required)
            .field("secret_hash", .string)
            .millis("created_at")
            .create()
    }
    func revert(on db: any Database) async throws { try await db.schema("oidc_clients").delete() }
}
