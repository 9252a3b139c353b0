import FluentKit

/// The services a convention joins, each with its offer (Toodego) and its days; `end` is the day a service
/// stopped on its own, the others going on.
struct CreateConventionServices: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema("convention_services")
            .field("insee", .string, .required, .references("conventions", "insee", onDelete: .cascade))
            .field("service", .string, .required)
            .field("offer", .string)
            .field("start", .string, .required)
            .field("end", .string)
            .unique(on: "insee", "service")
            .create()
    }
    func revert(on db: any Database) async throws { try await db.schema("convention_services").delete() }
}
