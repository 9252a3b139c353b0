import FluentKit

/// Authorization codes, by the SHA-256 of the code: single-use (`used_at`), a minute long, bound to the
/// redirect URI and PKCE challenge of their request. A code used twice revokes its grant.
struct CreateAuthorizationCodes: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema("oidc_codes")
            .field("hash", .string, .identifier(auto: false))
            .field("grant_id", .string, .required)
            .field("redirect_uri", .string, .required)
            .field("code_challenge", .string)
            .millis("expires_at")
            .millis("used_at", required: false)
            .create()
    }
    func revert(on db: any Database) async throws { try await db.schema("oidc_codes").delete() }
}
