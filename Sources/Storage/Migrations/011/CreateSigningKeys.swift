import FluentKit

/// The provider's signing keys. `private_key` is the PEM sealed under `GUICHET_KEYS_SECRET` (`v1:…`), or
/// `file:<name>` for a key kept in the data folder's `keys/` (owner-only) when no secret is configured.
/// `retires_at` null: the key signs; set: it only verifies, until then.
struct CreateSigningKeys: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema("oidc_keys")
            .field("kid", .string, .identifier(auto: false))
            .field("alg", .string, .required)
            .field("private_key", .string, .required)
            .millis("created_at")
            .millis("retires_at", required: false)
            .create()
    }
    func revert(on db: any Database) async throws { try await db.schema("oidc_keys").delete() }
}
