import FluentKit

/// What a commune paid in 2025 for a service under its earlier convention: the base of its transition. The
/// amount is decimal text, never floating point.
struct CreateEarlierAmounts: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema("earlier_amounts")
            .field("insee", .string, .required)
            .field("service", .string, .required)
            .field("amount", .string, .required)
            .unique(on: "insee", "service")
            .create()
    }
    func revert(on db: any Database) async throws { try await db.schema("earlier_amounts").delete() }
}
