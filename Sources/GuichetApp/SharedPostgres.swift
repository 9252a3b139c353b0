import FluentPostgresDriver
import Foundation
import Logging
import Storage
import Synchronization

/// What several Guichet processes on one PostgreSQL need besides the pool: a connection of their own to hear the
/// others' cache announcements, and one to hold the migrations' lock. Each is a plain connection, outside Fluent's
/// pool, because `LISTEN` and advisory locks belong to a session.
struct SharedPostgres: Sendable {
    let configuration: PostgresConnection.Configuration
    let logger: Logger

    init(url: String, logger: Logger) throws {
        configuration = try SQLPostgresConfiguration(url: url).coreConfiguration
        self.logger = logger
    }

    /// Fixed key of the migrations' advisory lock ("guichet" in ASCII).
    static let migrationLock: Int64 = 0x67_75_69_63_68_65_74

    /// Runs `body` (the migrations) while holding the lock: a second process starting at the same moment waits
    /// for the first one's migrations, then finds nothing left to do. The lock is the session's: if this process
    /// dies, the server releases it.
    func whileHoldingMigrationLock(_ body: () async throws -> Void) async throws {
        let connection = try await PostgresConnection.connect(configuration: configuration, id: 0, logger: logger)
        do {
            try await connection.query("SELECT pg_advisory_lock(\(Self.migrationLock))", logger: logger)
            try await body()
            try await connection.query("SELECT pg_advisory_unlock(\(Self.migrationLock))", logger: logger)
        } catch {
            try? await connection.close()
            throw error
        }
        try await connection.close()
    }

    /// Hears the other processes' announcements until cancelled, reconnecting after a failure (0.5 s, doubling up
    /// to 30 s). On each (re)connection every cache is voided: announcements made while nobody listened are lost.
    func listen(to bus: CacheBus) async {
        var delay = 0.5
        while !Task.isCancelled {
            var connection: PostgresConnection?
            do {
                let open = try await PostgresConnection.connect(configuration: configuration, id: 1, logger: logger)
                connection = open
                try await withTaskCancellationHandler {
                    try await open.listen(on: CacheBus.channel) { notifications in
                        bus.resynchronise()
                        delay = 0.5
                        for try await notification in notifications { bus.received(notification.payload) }
                    }
                } onCancel: {
                    open.close().whenComplete { _ in }
                }
            } catch {
                if !Task.isCancelled {
                    logger.warning("not hearing the other processes' cache changes; retrying", metadata: ["error": "\(String(reflecting: error))"])
                }
            }
            // Closed on every path: a dropped connection whose error arrives before its socket closes would
            // otherwise be released still open (PostgresNIO asserts on that in debug builds).
            try? await connection?.close()
            if Task.isCancelled { return }
            try? await Task.sleep(for: .seconds(delay))
            delay = min(delay * 2, 30)
        }
    }
}
