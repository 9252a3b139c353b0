import FluentKit

/// Each service's pricing per offer (`offer` empty for a service without offer levels), from a billing year:
/// `kind` is free, per_inhabitant (fixed + rate × population) or derogatory (a flat `fixed` with its `rule`).
/// Amounts are decimal text, exact on both databases.
struct CreateServicePricings: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema("service_pricings")
            .field("service", .string, .required, .references("shared_services", "id", onDelete: .cascade))
            .field("offer", .string, .required)
            .field("from_year", .int, .required)
            .field("kind", .string, .required)
            .field("fixed", .string, .required)
            .field("rate", .string, .required)
            .field("rule", .string, .required)
            .unique(on: "service", "offer", "from_year")
            .create()
    }
    func revert(on db: any Database) async throws { try await db.schema("service_pricings").delete() }
}
