import FluentKit
import SQLKit

/// What a workflow keeps on a request besides its status: back-office fields and webhook answers
/// (`workflow_data`, JSON), who it is assigned to, and a pending correction (the message shown to the citizen,
/// and the status the request moves to when they send it back).
struct UpdateDemandesAddWorkflowState: AsyncMigration {
    static let columns = [
        "workflow_data TEXT NOT NULL DEFAULT '{}'", "assigned_role TEXT", "assigned_agent TEXT",
        "correction TEXT", "correction_then TEXT",
    ]

    func prepare(on db: any Database) async throws {
        let sql = db as! any SQLDatabase
        // One column per statement: SQLite's ALTER TABLE adds one at a time.
        for column in Self.columns { try await sql.raw("ALTER TABLE demandes ADD COLUMN \(unsafeRaw: column)").run() }
    }

    func revert(on db: any Database) async throws {
        let sql = db as! any SQLDatabase
        for column in Self.columns { try await sql.raw("ALTER TABLE demandes DROP COLUMN \(unsafeRaw: String(column.prefix { $0 != " " }))").run() }
    }
}
