import FluentKit

/// Server-side sessions with an expiry: `id` is the SHA-256 of the cookie's secret (a copy of the table opens no
/// session), `data` the session's values as JSON. Replaces Vapor's `_fluent_sessions`, which never expired.
struct CreateSessions: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema("sessions")
            .field("id", .string, .identifier(auto: false))
            .field("data", .string, .required)
            .millis("expires_at")
            .create()
        try await createIndex(db, "sessions_expires_at", on: "sessions", "expires_at")
    }
    func revert(on db: any Database) async throws { try await db.schema("sessions").delete() }
}
