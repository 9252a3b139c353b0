import Demarches
import Foundation
import Synchronization

/// The data sources' part of the store: each collectivité's sources (voided when one is saved), the last answer
/// of each URL source, definitions with their sources' items filled in, and how a URL is read.
final class DataSourceState: Sendable {
    let catalogue: TenantCache<[String: StoredDataSource]>
    let urlAnswers = URLSourceCache()
    let resolved = ResolvedDefinitionCache()
    let read: SourceReader

    init(read: @escaping SourceReader, bus: CacheBus) {
        self.read = read
        catalogue = TenantCache("sources", bus: bus)
    }
}

/// Stamps for sources' contents, unique in the process.
let sourceStamps = Atomic<Int>(0)

/// The items last read at each URL. An entry is fresh for its source's cache duration; when the other system
/// fails or is slow, the last good items are kept (citizens keep a full list) and a new read is tried 30 s later.
final class URLSourceCache: Sendable {
    struct Entry { var items: [Choice]; var stamp: Int; var fetchedAt: Date?; var freshUntil: Date; var lastError: String? }
    private let entries = Mutex<[String: Entry]>([:])

    func entry(_ url: String) -> Entry? { entries.withLock { $0[url] } }

    func store(_ url: String, items: [Choice], at now: Date, for seconds: Int) -> Entry {
        entries.withLock { e in
            let unchanged = e[url]?.items == items
            let stamp = unchanged ? e[url]!.stamp : sourceStamps.add(1, ordering: .relaxed).newValue
            let entry = Entry(items: items, stamp: stamp, fetchedAt: now, freshUntil: now.addingTimeInterval(Double(seconds)), lastError: nil)
            e[url] = entry
            return entry
        }
    }

    func failed(_ url: String, error: String, at now: Date) -> Entry {
        entries.withLock { e in
            var entry = e[url] ?? Entry(items: [], stamp: 0, fetchedAt: nil, freshUntil: now, lastError: nil)
            entry.freshUntil = now.addingTimeInterval(30)
            entry.lastError = error
            e[url] = entry
            return entry
        }
    }
}

/// Definitions with their data sources' items filled in, by (démarche, version), with the stamp of the sources
/// they were filled from: a saved table or a changed URL answer gives a new stamp, hence a new resolution.
final class ResolvedDefinitionCache: Sendable {
    private let entries = Mutex<[String: (stamp: String, definition: DemarcheDefinition)]>([:])
    func get(_ key: String, stamp: String) -> DemarcheDefinition? {
        entries.withLock { $0[key].flatMap { $0.stamp == stamp ? $0.definition : nil } }
    }
    func put(_ key: String, stamp: String, _ definition: DemarcheDefinition) { entries.withLock { $0[key] = (stamp, definition) } }
}
