import FluentKit

/// An account is an agent of a collectivité when it holds at least one role there; role `admin` sees everything.
struct CreateAgentRoles: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema("agent_roles")
            .field("account_id", .string, .required, .references("accounts", "id", onDelete: .cascade))
            .field("collectivite", .string, .required, .references("collectivites", "slug"))
            .field("role", .string, .required)
            .compositeIdentifier(over: "account_id", "collectivite", "role")
            .create()
    }
    func revert(on db: any Database) async throws { try await db.schema("agent_roles").delete() }
}
