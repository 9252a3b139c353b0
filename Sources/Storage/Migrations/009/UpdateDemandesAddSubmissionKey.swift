import FluentKit
import SQLKit

/// The one-time key of the form submission that filed a request (the SHA-256 of the token the form page carried):
/// a form sent twice — the receipt's « back » then « Envoyer » again, a double click — finds the request the first
/// sending filed instead of filing a second one. Unique, so two sendings racing each other cannot both file; NULL
/// (API filings without a key, requests filed before) never collides.
struct UpdateDemandesAddSubmissionKey: AsyncMigration {
    func prepare(on db: any Database) async throws {
        let sql = db as! any SQLDatabase
        try await sql.raw("ALTER TABLE demandes ADD COLUMN submission_key TEXT").run()
        try await sql.raw("CREATE UNIQUE INDEX demandes_submission_key ON demandes (submission_key)").run()
    }
    func revert(on db: any Database) async throws {
        let sql = db as! any SQLDatabase
        try await sql.raw("DROP INDEX demandes_submission_key").run()
        try await sql.raw("ALTER TABLE demandes DROP COLUMN submission_key").run()
    }
}
