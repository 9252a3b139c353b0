import FluentKit

/// Refresh tokens, by the SHA-256 of the token. Each use rotates it: the used one is kept (`used_at`) so that
/// presenting it again is recognised as theft, and revokes the grant with every token it issued.
struct CreateRefreshTokens: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema("oidc_refresh_tokens")
            .field("hash", .string, .identifier(auto: false))
            .field("grant_id", .string, .required)
            .millis("expires_at")
            .millis("used_at", required: false)
            .create()
        try await createIndex(db, "oidc_refresh_tokens_grant", on: "oidc_refresh_tokens", "grant_id")
    }
    func revert(on db: any Database) async throws { try await db.schema("oidc_refresh_tokens").delete() }
}
