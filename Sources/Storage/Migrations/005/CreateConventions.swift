import FluentKit

/// A commune's convention cadre (issue 4): signature day, start, and the day it ended when terminated or not
/// renewed. Days are `yyyy-mm-dd` text; the finance department imports them (docs/CONVENTIONS.md).
struct CreateConventions: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema("conventions")
            .field("insee", .string, .identifier(auto: false))
            .field("signed", .string, .required)
            .field("start", .string, .required)
            .field("ended", .string)
            .create()
    }
    func revert(on db: any Database) async throws { try await db.schema("conventions").delete() }
}
