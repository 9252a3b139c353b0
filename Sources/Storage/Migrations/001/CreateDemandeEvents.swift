import FluentKit

/// The history of a request, append-only: nothing updates or deletes these rows.
struct CreateDemandeEvents: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema("demande_events")
            .field("id", .string, .identifier(auto: false))
            .field("demande_id", .string, .required, .references("demandes", "id"))
            .field("seq", .int, .required)
            .field("kind", .string, .required)
            .field("actor_kind", .string, .required)
            .field("actor_id", .string)
            .field("actor_name", .string, .required)
            .field("from_status", .string)
            .field("to_status", .string)
            .field("body", .string)
            .millis("at")
            .unique(on: "demande_id", "seq")
            .create()
    }
    func revert(on db: any Database) async throws { try await db.schema("demande_events").delete() }
}
