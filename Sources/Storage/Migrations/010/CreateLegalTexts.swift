import FluentKit

/// A collectivité's own text for one of the pages a public service's site must have (`LegalPage`), replacing the
/// Métropole's, which replaces Guichet's default. One row per collectivité and page.
struct CreateLegalTexts: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema("legal_texts")
            .field("collectivite", .string, .required)
            .field("page", .string, .required)
            .field("body", .string, .required)
            .field("updated_by", .string, .required)
            .millis("updated_at")
            .compositeIdentifier(over: "collectivite", "page")
            .create()
    }
    func revert(on db: any Database) async throws { try await db.schema("legal_texts").delete() }
}
