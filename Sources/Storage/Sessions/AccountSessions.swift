import Foundation
import Identity
import SQLKit

/// A signed-in session as « Mes sessions » lists it. `handle` names it in forms: the stored hash of the cookie's
/// secret, which opens nothing.
public struct AccountSession: Sendable, Equatable {
    public var handle: String
    public var device: String
    public var startedAt: Date
    /// Its last request, to the quarter of an hour (`ExpiringSessions` pushes the end no more often).
    public var lastSeen: Date
}

extension Store {
    /// The account's live sessions, the most recently used first.
    public func sessions(ofAccount accountID: String) async throws -> [AccountSession] {
        struct Row: Decodable { var id: String; var device: String?; var startedAt: Int64?; var expiresAt: Int64 }
        let lifetime = Int64(Self.sessionLifetime * 1000)
        return try await sql.raw("""
            SELECT id, device, started_at, expires_at FROM sessions
            WHERE account_id = \(bind: accountID) AND expires_at > \(bind: nowMillis) ORDER BY expires_at DESC LIMIT 100
            """).all(decoding: Row.self, keyDecodingStrategy: .convertFromSnakeCase).map { row in
            let lastSeen = Date(millis: row.expiresAt - lifetime)
            return AccountSession(handle: row.id, device: row.device ?? "Appareil inconnu",
                                  startedAt: row.startedAt.map(Date.init(millis:)) ?? lastSeen, lastSeen: lastSeen)
        }
    }

    /// The handle of the session whose cookie is `secret`.
    public func sessionHandle(secret: String) -> String { Secret.hash(secret) }

    /// Ends one of the account's sessions (never another account's) and the applications it signed in to;
    /// returns whether there was one.
    @discardableResult
    public func endSession(handle: String, ofAccount accountID: String, journal event: SecurityEvent? = nil) async throws -> Bool {
        try await endSessions(ofAccount: accountID, handle, othersThanIt: false, journal: event) > 0
    }

    /// Ends every session of the account but `keeping` (the one asking), with their applications.
    @discardableResult
    public func endOtherSessions(ofAccount accountID: String, keeping handle: String, journal event: SecurityEvent? = nil) async throws -> Int {
        try await endSessions(ofAccount: accountID, handle, othersThanIt: true, journal: event)
    }

    private func endSessions(ofAccount accountID: String, _ handle: String, othersThanIt: Bool, journal event: SecurityEvent?) async throws -> Int {
        let parties = try await relyingParties(), now = nowMillis
        return try await write { sql in
            let ended = try await (othersThanIt
                ? sql.raw("DELETE FROM sessions WHERE account_id = \(bind: accountID) AND id <> \(bind: handle) RETURNING data")
                : sql.raw("DELETE FROM sessions WHERE account_id = \(bind: accountID) AND id = \(bind: handle) RETURNING data"))
                .all(decodingColumn: "data", as: String.self)
            // Each sign-in's applications are signed out with it (back-channel logout where they asked for it).
            for sid in ended.compactMap({ (try? fromJSON([String: String].self, $0))?["sid"] }) {
                try await Self.endGrants(ofSession: sid, parties: parties, at: now, on: sql)
            }
            if !ended.isEmpty, let event { try await Self.insert(event, on: sql) }
            return ended.count
        }
    }
}
