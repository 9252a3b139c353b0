import FluentKit

/// A service's operating costs for a year by category (hosting, maintenance, …), for the 50 % rule.
struct CreateOperatingCosts: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema("operating_costs")
            .field("service", .string, .required, .references("shared_services", "id", onDelete: .cascade))
            .field("year", .int, .required)
            .field("category", .string, .required)
            .field("amount", .string, .required)
            .unique(on: "service", "year", "category")
            .create()
    }
    func revert(on db: any Database) async throws { try await db.schema("operating_costs").delete() }
}
