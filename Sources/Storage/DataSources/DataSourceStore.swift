import Demarches
import Foundation
import SQLKit
import Synchronization

/// Reads a data source's URL: the body of a 2xx answer, or an error after `timeoutSeconds`. Guichet's server
/// passes an HTTP client (Messaging); the store itself never opens a connection.
public typealias SourceReader = @Sendable (_ url: URL, _ timeoutSeconds: Int) async throws -> Data

/// A data source as stored, with the time of its last save.
public struct StoredDataSource: Sendable, Equatable {
    public var source: DataSource
    public var updatedAt: Int64
    /// Distinct for every read of the source from the database (reads happen only after a save voided the cache):
    /// tells resolved definitions apart where two saves share a millisecond.
    var stamp: Int
}

/// What the server knows of a URL source's last read, for the back-office.
public struct URLSourceState: Sendable, Equatable {
    public var items: [Choice]
    var fetchedAt: Date?
    public var lastError: String?
}

extension Store {
    /// The collectivité's data sources, by identifier; kept until one of them is saved.
    public func dataSources(in scope: TenantScope) async throws -> [String: StoredDataSource] {
        try await dataSources(tenant: scope.slug)
    }

    func dataSources(tenant: String) async throws -> [String: StoredDataSource] {
        try await sourceState.catalogue.value(tenant: tenant) {
            var sources: [String: StoredDataSource] = [:]
            for row in try await sql.raw("""
                SELECT definition, updated_at FROM data_sources WHERE collectivite = \(bind: tenant)
                """).all() {
                let source = try fromJSON(DataSource.self, try row.decode(column: "definition", as: String.self))
                sources[source.id] = StoredDataSource(source: source, updatedAt: try row.decode(column: "updated_at", as: Int64.self),
                                                       stamp: sourceStamps.add(1, ordering: .relaxed).newValue)
            }
            return sources
        }
    }

    /// Creates or replaces a data source. Admins of a collectivité that authors its démarches only; a source
    /// with problems is refused with all of them.
    public func saveDataSource(_ source: DataSource, in scope: TenantScope) async throws {
        try authorCheck(scope)
        guard source.problems.isEmpty else { throw DefinitionError(problems: source.problems) }
        let now = nowMillis
        try await write { sql in try await Self.upsert(source, tenant: scope.slug, at: now, on: sql) }
        sourceState.catalogue.invalidate(scope.slug)
    }

    static func upsert(_ source: DataSource, tenant: String, at now: Int64, on sql: any SQLDatabase) async throws {
        let text = try jsonText(source)
        try await sql.raw("DELETE FROM data_sources WHERE collectivite = \(bind: tenant) AND slug = \(bind: source.id)").run()
        try await sql.raw("""
            INSERT INTO data_sources (collectivite, slug, title, kind, definition, updated_at)
            VALUES (\(bind: tenant), \(bind: source.id), \(bind: source.title), \(bind: source.kind.rawValue), \(bind: text), \(bind: now))
            """).run()
    }

    /// Deletes a data source no démarche's current version reads; refused, naming them, otherwise.
    public func deleteDataSource(id: String, in scope: TenantScope) async throws {
        try authorCheck(scope)
        let readers = try await currentDemarches(in: scope).filter { $0.current.definition.dataSourceIDs.contains(id) }
        guard readers.isEmpty else {
            throw DefinitionError(problems: ["La source est lue par : " + readers.map { "« \($0.summary.title) »" }.joined(separator: ", ") + "."])
        }
        try await write { sql in
            try await sql.raw("DELETE FROM data_sources WHERE collectivite = \(bind: scope.slug) AND slug = \(bind: id)").run()
        }
        sourceState.catalogue.invalidate(scope.slug)
    }

    /// The sources a definition reads that the collectivité does not have, as problems.
    func missingSources(of definition: DemarcheDefinition, tenant: String, on sql: any SQLDatabase) async throws -> [String] {
        guard !definition.dataSourceIDs.isEmpty else { return [] }
        let known = Set(try await sql.raw("SELECT slug FROM data_sources WHERE collectivite = \(bind: tenant)")
            .all(decodingColumn: "slug", as: String.self))
        return definition.dataSourceIDs.filter { !known.contains($0) }.map { "La source de données « \($0) » n'existe pas." }
    }

    /// A definition as it is shown and checked: its choice fields filled from their data sources' current items.
    func resolved(_ definition: DemarcheDefinition, key: String, tenant: String) async throws -> DemarcheDefinition {
        guard !definition.dataSourceIDs.isEmpty else { return definition }
        let (items, stamp) = try await sourceItems(definition.dataSourceIDs, tenant: tenant)
        if let cached = sourceState.resolved.get(key, stamp: stamp) { return cached }
        let resolved = definition.resolvingSources(items)
        sourceState.resolved.put(key, stamp: stamp, resolved)
        return resolved
    }

    /// The working copy being designed, as version 0, filled from its sources (not cached: it changes with every
    /// edit); for test-filling it.
    public func workingCopyForTrial(slug: String, in scope: TenantScope) async throws -> VersionedDemarche? {
        guard let copy = try await workingCopy(slug: slug, in: scope) else { return nil }
        let items = try await sourceItems(copy.definition.dataSourceIDs, tenant: scope.slug).items
        return VersionedDemarche(id: "", version: 0, definition: copy.definition.resolvingSources(items))
    }

    /// The sources' items, and a stamp that changes whenever any of them does.
    private func sourceItems(_ ids: [String], tenant: String) async throws -> (items: [String: [Choice]], stamp: String) {
        let sources = try await dataSources(tenant: tenant)
        var items: [String: [Choice]] = [:]
        var stamp = ""
        for id in ids {
            guard let stored = sources[id] else { stamp += "\(id):-;"; continue }
            switch stored.source.kind {
            case .table:
                items[id] = stored.source.items ?? []
                stamp += "\(id):t\(stored.stamp);"
            case .url:
                let entry = await urlItems(stored.source)
                items[id] = entry.items
                stamp += "\(id):u\(entry.stamp);"
            }
        }
        return (items, stamp)
    }

    /// A URL source's items: from the cache while fresh, else read again (the last good items if that fails).
    func urlItems(_ source: DataSource) async -> URLSourceCache.Entry {
        let address = source.url ?? ""
        let now = clock()
        if let entry = sourceState.urlAnswers.entry(address), entry.freshUntil > now { return entry }
        do {
            guard let url = URL(string: address) else { throw DataSource.SourceFormatError.notAList }
            let data = try await sourceState.read(url, source.effectiveTimeoutSeconds)
            return sourceState.urlAnswers.store(address, items: try DataSource.items(fromJSON: data), at: now, for: source.effectiveCacheSeconds)
        } catch {
            let reason = error is DataSource.SourceFormatError ? "réponse illisible (attendu : une liste d'objets id/text)" : "adresse injoignable ou trop lente"
            logger.warning("data source \(source.id) at \(DataSource.loggable(address)): \(error)")
            return sourceState.urlAnswers.failed(address, error: reason, at: now)
        }
    }

    /// What the server last read at a URL source, reading it now if it never has.
    public func urlSourceState(_ source: DataSource) async -> URLSourceState {
        let entry = await urlItems(source)
        return URLSourceState(items: entry.items, fetchedAt: entry.fetchedAt, lastError: entry.lastError)
    }

    /// Designing démarches and their sources: admins of a collectivité that authors its démarches.
    func authorCheck(_ scope: TenantScope) throws {
        guard scope.mayAuthor else { throw StoreError.forbidden }
    }
}
