import FluentKit

/// Every change the Métropole's admins make to the catalogue or to a convention: when, by whom, what (the
/// sentence the what-if showed), and the commune or service it touched, for the finance department's audit.
/// `seq` orders the entries (times can tie to the millisecond, and a test clock stands still).
struct CreateConventionJournal: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema("convention_journal")
            .field("id", .string, .identifier(auto: false))
            .field("seq", .int64, .required)
            .millis("at")
            .field("author", .string, .required)
            .field("insee", .string)
            .field("service", .string)
            .field("description", .string, .required)
            .create()
        try await createIndex(db, "convention_journal_seq", on: "convention_journal", "seq")
    }
    func revert(on db: any Database) async throws { try await db.schema("convention_journal").delete() }
}
