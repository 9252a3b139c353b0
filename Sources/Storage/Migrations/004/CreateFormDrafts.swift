import FluentKit
import SQLKit

/// Drafts of forms, replacing `drafts`: a signed-in citizen's answers so far (one per démarche, saved at every
/// page, so a form started on a phone goes on on a computer), or an anonymous citizen's, reached again through
/// a link e-mailed to them (`resume_hash`: the link's secret, hashed). Files already checked are kept by
/// reference. A draft expires (`expires_at`, pushed back by every save); expired ones are purged with their
/// files. Existing drafts are carried over, expiring 30 days after their last save.
struct CreateFormDrafts: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema("form_drafts")
            .field("id", .string, .identifier(auto: false))
            .field("collectivite", .string, .required, .references("collectivites", "slug"))
            .field("demarche_id", .string, .required, .references("demarches", "id"))
            .field("account_id", .string, .references("accounts", "id", onDelete: .cascade))
            .field("resume_hash", .string)
            .field("values", .string, .required)
            .field("files", .string, .required)
            .millis("updated_at")
            .millis("expires_at")
            .unique(on: "account_id", "demarche_id")
            .unique(on: "resume_hash")
            .create()
        try await createIndex(db, "form_drafts_expiry", on: "form_drafts", "expires_at")
        try await (db as! any SQLDatabase).raw("""
            INSERT INTO form_drafts (id, collectivite, demarche_id, account_id, resume_hash, "values", files, updated_at, expires_at)
            SELECT d.id, m.collectivite, d.demarche_id, d.account_id, NULL, d."values", '{}', d.updated_at, d.updated_at + 2592000000
            FROM drafts d JOIN demarches m ON m.id = d.demarche_id
            """).run()
    }
    func revert(on db: any Database) async throws { try await db.schema("form_drafts").delete() }
}
