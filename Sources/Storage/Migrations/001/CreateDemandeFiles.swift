import FluentKit

struct CreateDemandeFiles: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema("demande_files")
            .field("id", .string, .identifier(auto: false))
            .field("demande_id", .string, .required, .references("demandes", "id"))
            .field("field_id", .string, .required)
            .field("filename", .string, .required)
            .field("content_type", .string, .required)
            .field("size", .int, .required)
            .create()
        try await createIndex(db, "demande_files_demande", on: "demande_files", "demande_id")
    }
    func revert(on db: any Database) async throws { try await db.schema("demande_files").delete() }
}
