import FluentKit

/// Yearly request sequences per collectivité, incremented in the submission's transaction.
struct CreateCounters: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema("counters")
            .field("collectivite", .string, .required)
            .field("year", .int, .required)
            .field("value", .int64, .required)
            .compositeIdentifier(over: "collectivite", "year")
            .create()
    }
    func revert(on db: any Database) async throws { try await db.schema("counters").delete() }
}
