import FluentKit

/// What the inbound connector API answered to each idempotency key of a commune: a key replayed gets the same
/// answer and changes nothing. `request_hash` tells a replay from a different request reusing the key; a row
/// whose `status` is 0 is being processed.
struct CreateConnectorReceipts: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema("connector_receipts")
            .field("collectivite", .string, .required)
            .field("idempotency_key", .string, .required)
            .field("request_hash", .string, .required)
            .field("status", .int, .required)
            .field("response", .string, .required)
            .millis("created_at")
            .compositeIdentifier(over: "collectivite", "idempotency_key")
            .create()
    }
    func revert(on db: any Database) async throws { try await db.schema("connector_receipts").delete() }
}
