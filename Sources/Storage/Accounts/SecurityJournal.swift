import Foundation
import Identity
import SQLKit

/// A journal line with the account's address, for the admins' search.
public struct JournalLine: Sendable, Equatable {
    public var event: SecurityEvent
    public var email: String?
}

extension Store {
    /// How long the security journal is kept: a year, enough to answer a holder who asks what happened.
    public static let securityEventRetention: TimeInterval = 365 * 86_400

    public func record(_ event: SecurityEvent) async throws {
        try await write { sql in try await Self.insert(event, on: sql) }
    }

    static func insert(_ event: SecurityEvent, on sql: any SQLDatabase) async throws {
        try await sql.raw("""
            INSERT INTO security_events (id, account_id, at, kind, ip, device, detail)
            VALUES (\(bind: newID()), \(bind: event.accountID), \(bind: millis(event.at)), \(bind: event.kind.rawValue),
                    \(bind: event.ip), \(bind: event.device), \(bind: event.detail))
            """).run()
    }

    /// The account's own journal, newest first.
    public func securityEvents(ofAccount accountID: String, limit: Int = 100) async throws -> [SecurityEvent] {
        try await sql.raw("""
            SELECT account_id, at, kind, ip, device, detail FROM security_events
            WHERE account_id = \(bind: accountID) ORDER BY at DESC LIMIT \(bind: min(max(limit, 1), 500))
            """).all(decoding: Row.self, keyDecodingStrategy: .convertFromSnakeCase).compactMap(\.line?.event)
    }

    /// The Métropole's admins search every account's journal: by address (exact, any case), kind and days
    /// (`from`…`to` included, Lyon time), newest first.
    public func searchSecurityEvents(email: String?, kind: SecurityEvent.Kind?, from: Date?, to: Date?, limit: Int = 200,
                                     in scope: TenantScope) async throws -> [JournalLine] {
        try scope.requirePlatform()
        let query = sql.select().column(SQLColumn("account_id", table: "e")).column(SQLColumn("at", table: "e"))
            .column(SQLColumn("kind", table: "e")).column(SQLColumn("ip", table: "e")).column(SQLColumn("device", table: "e"))
            .column(SQLColumn("detail", table: "e")).column(SQLColumn("email", table: "a"))
            .from(SQLAlias(SQLIdentifier("security_events"), as: SQLIdentifier("e")))
            .join(SQLAlias(SQLIdentifier("accounts"), as: SQLIdentifier("a")), method: SQLJoinMethod.left,
                  on: SQLColumn("id", table: "a"), .equal, SQLColumn("account_id", table: "e"))
        if let email { query.where(SQLColumn("email", table: "a"), .equal, SQLBind(email.lowercased())) }
        if let kind { query.where(SQLColumn("kind", table: "e"), .equal, SQLBind(kind.rawValue)) }
        if let from { query.where(SQLColumn("at", table: "e"), .greaterThanOrEqual, SQLBind(Self.millis(from))) }
        if let to { query.where(SQLColumn("at", table: "e"), .lessThan, SQLBind(Self.millis(to))) }
        return try await query.orderBy(SQLColumn("at", table: "e"), SQLDirection.descending).limit(min(max(limit, 1), 1000))
            .all(decoding: Row.self, keyDecodingStrategy: .convertFromSnakeCase).compactMap(\.line)
    }

    /// Drops journal lines past their retention, a batch at a time; returns how many.
    @discardableResult
    public func purgeOldSecurityEvents() async throws -> Int {
        let before = Self.millis(clock().addingTimeInterval(-Self.securityEventRetention))
        return try await write { sql in
            try await sql.raw("""
                DELETE FROM security_events WHERE id IN (SELECT id FROM security_events WHERE at < \(bind: before) LIMIT 1000) RETURNING id
                """).all().count
        }
    }

    private struct Row: Decodable {
        var accountId: String; var at: Int64; var kind: String; var ip: String?; var device: String?; var detail: String?; var email: String?
        var line: JournalLine? {
            // A kind this version does not know (written by a newer one) is left out rather than misnamed.
            SecurityEvent.Kind(rawValue: kind).map {
                JournalLine(event: SecurityEvent(accountID: accountId, at: Date(millis: at), kind: $0, ip: ip, device: device, detail: detail), email: email)
            }
        }
    }
}
