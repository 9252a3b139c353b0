import FluentKit
import SQLKit

/// Replaces `convention_services`, whose one row per commune and service could not hold a change of offer: a
/// service may now appear once per start day, its periods following each other. Rows are carried over.
struct CreateConventionMemberships: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema("convention_memberships")
            .field("insee", .string, .required, .references("conventions", "insee", onDelete: .cascade))
            .field("service", .string, .required)
            .field("offer", .string)
            .field("start", .string, .required)
            .field("end", .string)
            .unique(on: "insee", "service", "start")
            .create()
        try await (db as! any SQLDatabase).raw("""
            INSERT INTO convention_memberships (insee, service, offer, start, "end") SELECT insee, service, offer, start, "end" FROM convention_services
            """).run()
        try await db.schema("convention_services").delete()
    }
    func revert(on db: any Database) async throws { try await db.schema("convention_memberships").delete() }
}
