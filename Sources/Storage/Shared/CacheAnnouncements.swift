import SQLKit

extension Store {
    /// Sends this process's cache announcements to the other processes on the database until the task is
    /// cancelled, then whatever is left. Returns at once when the database is not shared (SQLite).
    public func announceCacheChanges() async {
        guard cacheBus.broadcasts else { return }
        for await _ in cacheBus.wakeUps { await sendAnnouncements() }
        await sendAnnouncements()
    }

    /// One `pg_notify` per payload. If one fails, the database is likely unreachable for the others too: their
    /// listeners, reconnecting, void every cache.
    func sendAnnouncements() async {
        for payload in cacheBus.takePayloads() {
            do {
                try await sql.raw("SELECT pg_notify(\(bind: CacheBus.channel), \(bind: payload))").run()
            } catch {
                logger.warning("cache changes not announced to the other processes", metadata: ["error": "\(String(reflecting: error))"])
            }
        }
    }
}
