import FluentKit

/// Populations municipales by commune and census vintage (INSEE's vintage V is in force from 1 January V + 3).
struct CreatePopulations: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema("populations")
            .field("insee", .string, .required)
            .field("vintage", .int, .required)
            .field("population", .int, .required)
            .unique(on: "insee", "vintage")
            .create()
    }
    func revert(on db: any Database) async throws { try await db.schema("populations").delete() }
}
