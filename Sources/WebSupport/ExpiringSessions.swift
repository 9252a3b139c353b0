import Identity
import Storage
import Vapor

/// Vapor's sessions kept by the store, which expires them (`Store.sessionLifetime` after their last change) and
/// keeps only the hash of their id: a session cookie stolen or left on a shared computer stops working on the
/// server too, whatever the browser does with it.
public struct ExpiringSessions: AsyncSessionDriver {
    let store: Store
    public init(store: Store) { self.store = store }

    public func createSession(_ data: SessionData, for request: Request) async throws -> SessionID {
        let id = SessionID(string: Secret.token())
        try await store.saveSession(secret: id.string, data: data.snapshot)
        return id
    }

    public func readSession(_ sessionID: SessionID, for request: Request) async throws -> SessionData? {
        try await store.sessionData(secret: sessionID.string).map { SessionData(initialData: $0) }
    }

    public func updateSession(_ sessionID: SessionID, to data: SessionData, for request: Request) async throws -> SessionID {
        try await store.saveSession(secret: sessionID.string, data: data.snapshot)
        return sessionID
    }

    public func deleteSession(_ sessionID: SessionID, for request: Request) async throws {
        try await store.deleteSession(secret: sessionID.string)
    }
}
