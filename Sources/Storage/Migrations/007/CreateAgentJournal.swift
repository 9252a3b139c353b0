import FluentKit

/// What a collectivité's admins did to its agents — invited, roles changed, disabled — when, by whom, to whom:
/// visible to that collectivité's admins. `seq` orders the entries (a test clock stands still).
struct CreateAgentJournal: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema("agent_journal")
            .field("id", .string, .identifier(auto: false))
            .field("seq", .int64, .required)
            .field("collectivite", .string, .required)
            .millis("at")
            .field("author", .string, .required)
            .field("target", .string, .required)
            .field("description", .string, .required)
            .create()
        try await createIndex(db, "agent_journal_collectivite_seq", on: "agent_journal", "collectivite", "seq")
    }
    func revert(on db: any Database) async throws { try await db.schema("agent_journal").delete() }
}
