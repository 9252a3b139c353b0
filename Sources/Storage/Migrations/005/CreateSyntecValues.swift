import FluentKit

/// Monthly Syntec index values with their publication day; the value is decimal text, never floating point.
struct CreateSyntecValues: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema("syntec_values")
            .field("year", .int, .required)
            .field("month", .int, .required)
            .field("value", .string, .required)
            .field("published", .string, .required)
            .unique(on: "year", "month")
            .create()
    }
    func revert(on db: any Database) async throws { try await db.schema("syntec_values").delete() }
}
