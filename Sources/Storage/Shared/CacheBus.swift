import Foundation
import Synchronization

/// How the caches of several Guichet processes on one PostgreSQL stay true. A cache voided by a committed write
/// here is announced to the others (`NOTIFY guichet_cache`); what they announce voids the same cache here. The
/// announcement follows the commit by a few milliseconds, so another process may serve the value from before one
/// write for that long; within one process the caches stay exact (`TenantCache`). With SQLite, one process per
/// file, nothing is announced.
public final class CacheBus: Sendable {
    /// The PostgreSQL channel the processes announce on.
    public static let channel = "guichet_cache"
    /// This process, so that it skips its own announcements.
    let origin = String(UUID().uuidString.prefix(8)).lowercased()
    let broadcasts: Bool
    private let caches = Mutex<[String: @Sendable (String?) -> Void]>([:])
    private let pending = Mutex<Set<String>>([])
    private let wakeUp: AsyncStream<Void>.Continuation
    /// A signal each time something is to be announced; one task, the sender, reads it.
    let wakeUps: AsyncStream<Void>

    init(broadcasts: Bool) {
        self.broadcasts = broadcasts
        (wakeUps, wakeUp) = AsyncStream.makeStream(bufferingPolicy: .bufferingNewest(1))
    }

    /// Makes a cache reachable by name from the other processes' announcements.
    func register(_ name: String, void: @escaping @Sendable (String?) -> Void) {
        caches.withLock { $0[name] = void }
    }

    /// A committed write here voided `tenant`'s entries of `cache` (nil: every tenant's).
    func announce(_ cache: String, tenant: String?) {
        guard broadcasts else { return }
        _ = pending.withLock { $0.insert(cache + "|" + (tenant ?? "*")) }
        wakeUp.yield()
    }

    /// What another process announced: `origin key key …`, each key `cache|tenant`.
    public func received(_ payload: String) {
        let words = payload.split(separator: " ")
        guard let from = words.first, from != origin else { return }
        let voids = caches.withLock { $0 }
        for key in words.dropFirst() {
            let parts = key.split(separator: "|", maxSplits: 1).map(String.init)
            guard parts.count == 2, let void = voids[parts[0]] else { continue }
            void(parts[1] == "*" ? nil : parts[1])
        }
    }

    /// Announcements may have been missed (the listening connection was down): every cache is voided.
    public func resynchronise() {
        for void in caches.withLock({ Array($0.values) }) { void(nil) }
    }

    /// The pending announcements as payloads, each under PostgreSQL's 8,000-byte limit, and forgets them.
    func takePayloads() -> [String] {
        let keys = pending.withLock { p -> [String] in defer { p.removeAll() }; return p.sorted() }
        var payloads: [String] = [], current = origin
        for key in keys where key.utf8.count < 1_000 {
            if current.utf8.count + key.utf8.count + 1 > 7_900 { payloads.append(current); current = origin }
            current += " " + key
        }
        if current != origin { payloads.append(current) }
        return payloads
    }
}
