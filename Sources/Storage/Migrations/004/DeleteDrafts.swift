import FluentKit

/// `drafts` gave way to `form_drafts` (its rows were carried over by `CreateFormDrafts`).
struct DeleteDrafts: AsyncMigration {
    func prepare(on db: any Database) async throws { try await db.schema("drafts").delete() }
    func revert(on db: any Database) async throws { try await CreateDrafts().prepare(on: db) }
}
