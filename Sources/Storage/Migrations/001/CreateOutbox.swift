import FluentKit

/// The transactional outbox: messages written with the state change that causes them, delivered by a worker.
struct CreateOutbox: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema("outbox")
            .field("id", .string, .identifier(auto: false))
            .field("kind", .string, .required)
            .field("payload", .string, .required)
            .field("attempts", .int, .required)
            .field("last_error", .string)
            .millis("next_attempt_at")
            .millis("created_at")
            .millis("sent_at", required: false)
            .create()
        try await createIndex(db, "outbox_due", on: "outbox", "sent_at", "next_attempt_at")
    }
    func revert(on db: any Database) async throws { try await db.schema("outbox").delete() }
}
