import FluentKit

/// One sign-in of one account at one application: what its tokens say (`details`, a `TokenIssuer.Grant` as JSON),
/// the browser session it came from (`session_id`, for logout), whether its code was exchanged (`active_at`), and
/// whether it was revoked (logout, revocation, a reused code or refresh token, the citizen disconnecting the
/// application). Tokens die with their grant.
struct CreateGrants: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema("oidc_grants")
            .field("id", .string, .identifier(auto: false))
            .field("client_id", .string, .required)
            .field("account_id", .string, .required)
            .field("session_id", .string, .required)
            .field("details", .string, .required)
            .millis("created_at")
            .millis("active_at", required: false)
            .millis("expires_at")
            .millis("revoked_at", required: false)
            .create()
        try await createIndex(db, "oidc_grants_account", on: "oidc_grants", "account_id")
        try await createIndex(db, "oidc_grants_session", on: "oidc_grants", "session_id")
    }
    func revert(on db: any Database) async throws { try await db.schema("oidc_grants").delete() }
}
