import Foundation
import Identity
import SQLKit

/// A session as stored: its values and when it ends.
public struct StoredSession: Sendable, Equatable {
    public var data: [String: String]
    public var expiresAt: Date
}

extension Store {
    /// How long a session lives after its last request: a working day.
    public static let sessionLifetime: TimeInterval = 8 * 3600

    /// The session, unless it expired or never existed. `secret` is the cookie's value.
    public func session(secret: String) async throws -> StoredSession? {
        struct Row: Decodable { var data: String; var expiresAt: Int64 }
        guard let row = try await sql.raw("""
            SELECT data, expires_at FROM sessions WHERE id = \(bind: Secret.hash(secret)) AND expires_at > \(bind: nowMillis)
            """).first(decoding: Row.self, keyDecodingStrategy: .convertFromSnakeCase),
              let data = try? fromJSON([String: String].self, row.data) else { return nil }
        return StoredSession(data: data, expiresAt: Date(millis: row.expiresAt))
    }

    /// Writes a session's values and pushes its expiry a lifetime ahead. Its owner is the account signed in
    /// (`data["account"]`); `device` and the start are kept from the first write.
    public func saveSession(secret: String, data: [String: String], device: String? = nil) async throws {
        let json = try jsonText(data)
        let now = nowMillis
        let expires = now + Int64(Self.sessionLifetime * 1000)
        let id = Secret.hash(secret), owner = data["account"]
        try await write { sql in
            try await sql.raw("""
                INSERT INTO sessions (id, data, expires_at, account_id, started_at, device)
                VALUES (\(bind: id), \(bind: json), \(bind: expires), \(bind: owner), \(bind: now), \(bind: device))
                ON CONFLICT (id) DO UPDATE SET data = excluded.data, expires_at = excluded.expires_at, account_id = excluded.account_id
                """).run()
        }
    }

    public func deleteSession(secret: String) async throws {
        let id = Secret.hash(secret)
        try await write { sql in try await sql.raw("DELETE FROM sessions WHERE id = \(bind: id)").run() }
    }

    /// Deletes expired sessions, a batch at a time; returns how many.
    @discardableResult
    public func purgeExpiredSessions() async throws -> Int {
        let now = nowMillis
        return try await write { sql in
            try await sql.raw("""
                DELETE FROM sessions WHERE id IN (SELECT id FROM sessions WHERE expires_at <= \(bind: now) LIMIT 1000) RETURNING id
                """).all().count
        }
    }
}
