import FluentKit
import SQLKit

/// A full-text index for the inbox's search, which otherwise reads every request of the collectivité. Requests
/// store their words already split and folded (`SearchWords`), so both databases index the same tokens:
/// PostgreSQL with a GIN index on `to_tsvector('simple', search_text)`; SQLite with an FTS5 table kept by
/// triggers, keyed on the request id rather than SQLite's implicit rowid, which VACUUM may renumber.
/// (A trigram index was tried first: with trigrams as common as "rue" or "202", searches took 100 ms and more.)
struct UpdateDemandesAddTextIndex: AsyncMigration {
    func prepare(on db: any Database) async throws {
        let sql = db as! any SQLDatabase
        if sql.dialect.name == "sqlite" {
            try await sql.raw("CREATE VIRTUAL TABLE demandes_text USING fts5(demande_id UNINDEXED, search_text, tokenize = 'unicode61')").run()
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
            try await sql.raw("CREATE INDEX demandes_search_text ON demandes USING gin (to_tsvector('simple', search_text))").run()
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
