import FluentKit

/// The convention cadre's catalogue of services (issue 4), each with its annex; services are added by avenant
/// from the back-office. `open_offers`: the offers that can be joined now, comma-separated.
struct CreateSharedServices: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema("shared_services")
            .field("id", .string, .identifier(auto: false))
            .field("name", .string, .required)
            .field("annex", .string, .required)
            .field("open_offers", .string, .required)
            .field("position", .int, .required)
            .create()
    }
    func revert(on db: any Database) async throws { try await db.schema("shared_services").delete() }
}
