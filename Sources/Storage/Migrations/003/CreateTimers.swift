import FluentKit

/// Workflow timers: a timed transition armed when a request enters a status (`kind` "transition", void once it
/// leaves), or the legal deadline armed at filing (`kind` "deadline", paused while a correction is pending:
/// `paused_at` set, and `due_at` pushed back by the pause when the citizen answers). Rows survive restarts;
/// the timer worker fires those due, each in the transaction that deletes it.
struct CreateTimers: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema("timers")
            .field("id", .string, .identifier(auto: false))
            .field("demande_id", .string, .required, .references("demandes", "id", onDelete: .cascade))
            .field("kind", .string, .required)
            .field("transition_id", .string)
            .field("status", .string, .required)
            .millis("due_at")
            .millis("paused_at", required: false)
            .create()
        try await createIndex(db, "timers_due", on: "timers", "due_at")
        try await createIndex(db, "timers_demande", on: "timers", "demande_id")
    }
    func revert(on db: any Database) async throws { try await db.schema("timers").delete() }
}
