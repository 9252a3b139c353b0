import Foundation
import SQLKit

/// What a worker takes from a table for a while: the outbox's messages, the timers.
struct Claim {
    /// The table, the column holding when a row is next due (the claim moves it to the end of the lease), what
    /// else a due row must satisfy, and the order rows are taken in.
    var table: String, dueColumn: String, condition: String, order: String
    /// The columns the claimed rows are read with.
    var returning: String
    /// A column that also records the claim's end, if the table keeps one (the outbox: `releaseClaims`).
    var claimColumn: String? = nil
}

extension Store {
    /// Takes up to `limit` due rows for this process for `lease` seconds, in one transaction: their due time moves
    /// to the end of the lease, so no other worker (another process, a command) takes them meanwhile; whoever
    /// claimed a row settles it, and if it died instead the row is due again when the lease runs out. On PostgreSQL,
    /// `SKIP LOCKED` lets workers claim side by side without waiting for each other's rows.
    func claim<Row: Decodable & Sendable>(_ claim: Claim, limit: Int, lease: TimeInterval, as: Row.Type) async throws -> [Row] {
        let now = nowMillis
        let until = now + Int64(lease * 1000)
        let limit = max(1, min(limit, 1000))
        return try await write { sql in
            let lock = sql.dialect.name == "postgresql" ? "FOR UPDATE SKIP LOCKED" : ""
            return try await sql.raw("""
                UPDATE \(unsafeRaw: claim.table) SET \(unsafeRaw: claim.dueColumn) = \(bind: until)\(unsafeRaw: claim.claimColumn.map { ", \($0) = \(until)" } ?? "")
                WHERE id IN (SELECT id FROM \(unsafeRaw: claim.table)
                             WHERE \(unsafeRaw: claim.dueColumn) <= \(bind: now) AND \(unsafeRaw: claim.condition)
                             ORDER BY \(unsafeRaw: claim.order) LIMIT \(unsafeRaw: String(limit)) \(unsafeRaw: lock))
                RETURNING \(unsafeRaw: claim.returning)
                """).all(decoding: Row.self, keyDecodingStrategy: .convertFromSnakeCase)
        }
    }
}
