import FluentKit

/// A request relayed from the Métropole to the commune that answers for it (`Relay`): how (`channel`: `inbox`,
/// into the commune's own back-office, or `email` to `address`, whose outbox entry carries the delivery), the
/// link's secret (hashed; the link works without an account until `expires_at`, which also ends an inbox's
/// sharing), and what the commune did with it.
/// `alerted_at`: when the Métropole's admins were told it failed or stayed unacknowledged (once).
struct CreateRelays: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema("relays")
            .field("id", .string, .identifier(auto: false))
            .field("demande_id", .string, .required)
            .field("collectivite", .string, .required)
            .field("channel", .string, .required)
            .field("address", .string)
            .field("outbox_id", .string)
            .field("secret_hash", .string, .required)
            .millis("expires_at")
            .millis("created_at")
            .millis("acknowledged_at", required: false)
            .millis("closed_at", required: false)
            .millis("alerted_at", required: false)
            .unique(on: "secret_hash")
            .create()
        try await createIndex(db, "relays_demande", on: "relays", "demande_id")
        try await createIndex(db, "relays_created", on: "relays", "created_at")
        try await createIndex(db, "relays_shared", on: "relays", "collectivite", "channel", "expires_at")
    }
    func revert(on db: any Database) async throws { try await db.schema("relays").delete() }
}
