import Foundation
import Identity
import Storage
import Vapor

/// Vapor's sessions kept by the store, which expires them (`Store.sessionLifetime` after their last request) and
/// keeps only the hash of their id: a session cookie stolen or left on a shared computer stops working on the
/// server too, whatever the browser does with it.
///
/// Vapor saves the session after every response; most pages change nothing in it, so the save is skipped unless
/// its values changed or its end was last pushed more than `refresh` ago: a signed-in page view costs no write.
public struct ExpiringSessions: AsyncSessionDriver {
    let store: Store
    /// How stale a session's end may be before a request without changes pushes it again.
    static let refresh: TimeInterval = 15 * 60

    public init(store: Store) { self.store = store }

    public func createSession(_ data: SessionData, for request: Request) async throws -> SessionID {
        let id = SessionID(string: Secret.token())
        try await store.saveSession(secret: id.string, data: data.snapshot, device: DeviceLabel.of(userAgent: request.headers.first(name: .userAgent)))
        return id
    }

    public func readSession(_ sessionID: SessionID, for request: Request) async throws -> SessionData? {
        guard let stored = try await store.session(secret: sessionID.string) else { return nil }
        request.storage[ReadSessionKey.self] = stored
        return SessionData(initialData: stored.data)
    }

    public func updateSession(_ sessionID: SessionID, to data: SessionData, for request: Request) async throws -> SessionID {
        if let read = request.storage[ReadSessionKey.self], read.data == data.snapshot,
           read.expiresAt.timeIntervalSince(store.clock()) > Store.sessionLifetime - Self.refresh {
            return sessionID
        }
        try await store.saveSession(secret: sessionID.string, data: data.snapshot)
        return sessionID
    }

    public func deleteSession(_ sessionID: SessionID, for request: Request) async throws {
        try await store.deleteSession(secret: sessionID.string)
    }
}

/// The session as this request read it, to tell whether saving it would change anything.
private struct ReadSessionKey: StorageKey { typealias Value = StoredSession }
