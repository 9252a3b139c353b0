import FluentKit
import SQLKit

/// An index for the inbox's free-text search, which otherwise reads every request of the collectivité.
/// Both index substrings with trigrams, so a search means the same thing on either database ("aste" finds
/// "Pasteur"): PostgreSQL with pg_trgm on `search_text` (LIKE uses it as is); SQLite with an FTS5 trigram table
/// kept by triggers. The FTS table keys on the request id, not SQLite's implicit rowid, which VACUUM may renumber.
struct UpdateDemandesAddTextIndex: AsyncMigration {
    func prepare(on db: any Database) async throws {
        let sql = db as! any SQLDatabase
        if sql.dialect.name == "sqlite" {
            try await sql.raw("CREATE VIRTUAL TABLE demandes_text USING fts5(demande_id UNINDEXED, search_text, tokenize = 'trigram')").run()
            try await sql.raw("INSERT INTO demandes_text (demande_id, search_text) SELECT id, search_text FROM demandes").run()
            try await sql.raw("""
                CREATE TRIGGER demandes_text_insert AFTER INSERT ON demandes BEGIN
                    INSERT INTO demandes_text (demande_id, search_text) VALUES (new.id, new.search_text);
                END
                """).run()
            try await sql.raw("""
                CREATE TRIGGER demandes_text_update AFTER UPDATE OF search_text ON demandes BEGIN
                    UPDATE demandes_text SET search_text = new.search_text WHERE demande_id = new.id;
                END
                """).run()
            try await sql.raw("""
                CREATE TRIGGER demandes_text_delete AFTER DELETE ON demandes BEGIN
                    DELETE FROM demandes_text WHERE demande_id = old.id;
                END
                """).run()
        } else {
            try await sql.raw("CREATE EXTENSION IF NOT EXISTS pg_trgm").run()
            try await sql.raw("CREATE INDEX demandes_search_text ON demandes USING gin (search_text gin_trgm_ops)").run()
        }
    }

    func revert(on db: any Database) async throws {
        let sql = db as! any SQLDatabase
        if sql.dialect.name == "sqlite" {
            for trigger in ["demandes_text_insert", "demandes_text_update", "demandes_text_delete"] {
                try await sql.raw("DROP TRIGGER \(unsafeRaw: trigger)").run()
            }
            try await sql.raw("DROP TABLE demandes_text").run()
        } else {
            try await sql.raw("DROP INDEX demandes_search_text").run()
        }
    }
}
