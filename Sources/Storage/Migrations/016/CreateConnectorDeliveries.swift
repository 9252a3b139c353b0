import FluentKit

/// The connectors' journal: one row per event posted to a commune's software, delivered in `position` order
/// within a request (the history line it reports), retried until delivered. `first_failed_at` starts the
/// persistent-failure clock; `last_status` is the receiver's last HTTP answer; `claimed_until` a worker's lease.
struct CreateConnectorDeliveries: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema("connector_deliveries")
            .field("id", .string, .identifier(auto: false))
            .field("collectivite", .string, .required)
            .field("demande_id", .string, .required)
            .field("position", .int, .required)
            .field("event", .string, .required)
            .field("payload", .string, .required)
            .field("attempts", .int, .required)
            .millis("next_attempt_at")
            .millis("claimed_until", required: false)
            .millis("first_failed_at", required: false)
            .millis("delivered_at", required: false)
            .field("last_status", .int)
            .field("last_error", .string)
            .millis("created_at")
            .create()
        try await createIndex(db, "connector_deliveries_due", on: "connector_deliveries", "delivered_at", "next_attempt_at")
        try await createIndex(db, "connector_deliveries_order", on: "connector_deliveries", "demande_id", "position")
        try await createIndex(db, "connector_deliveries_journal", on: "connector_deliveries", "collectivite", "created_at")
    }
    func revert(on db: any Database) async throws { try await db.schema("connector_deliveries").delete() }
}
