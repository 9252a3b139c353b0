import FluentKit

/// The Métropole's ordered routing rules, each a JSON `RoutingRule`; the list is replaced as a whole when saved.
struct CreateRoutingRules: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema("routing_rules")
            .field("position", .int, .identifier(auto: false))
            .field("rule", .string, .required)
            .create()
    }
    func revert(on db: any Database) async throws { try await db.schema("routing_rules").delete() }
}
