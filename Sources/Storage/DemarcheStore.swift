import Demarches
import Foundation
import SQLKit
import Synchronization

public struct DemarcheSummary: Sendable, Equatable, Decodable {
    public var id: String
    public var slug: String
    public var title: String
    public var currentVersion: Int
    public var publishedAt: Int64?
    public var roles: String
    public var isPublished: Bool { publishedAt != nil }
    public var roleSet: Set<String> { Set(roles.split(separator: ",").map(String.init)) }
}

/// A démarche with one of its versions' definition.
public struct VersionedDemarche: Sendable {
    public var id: String
    public var version: Int
    public var definition: DemarcheDefinition
}

/// Definitions by (démarche, version). A version never changes once written, so entries never go stale.
final class DefinitionCache: Sendable {
    private let entries = Mutex<[String: DemarcheDefinition]>([:])
    func get(_ id: String, _ version: Int) -> DemarcheDefinition? { entries.withLock { $0["\(id)#\(version)"] } }
    func put(_ id: String, _ version: Int, _ d: DemarcheDefinition) { entries.withLock { $0["\(id)#\(version)"] = d } }
}

extension Store {
    /// The démarches of the scope's collectivité: published ones for citizens, all for its agents.
    /// Read on nearly every page and submission, so kept in `catalogue` until the collectivité publishes.
    public func demarches(in scope: TenantScope) async throws -> [DemarcheSummary] {
        let all = try await catalogue.value(tenant: scope.slug) {
            try await sql.raw("""
                SELECT id, slug, title, current_version, published_at, roles FROM demarches
                WHERE collectivite = \(bind: scope.slug) ORDER BY title
                """).all(decoding: DemarcheSummary.self, keyDecodingStrategy: .convertFromSnakeCase)
        }
        return scope.access == .citizen ? all.filter(\.isPublished) : all
    }

    /// The current version of a démarche, as citizens file it (published only, for citizens).
    public func currentDemarche(slug: String, in scope: TenantScope) async throws -> VersionedDemarche? {
        guard let summary = try await demarches(in: scope).first(where: { $0.slug == slug }) else { return nil }
        return VersionedDemarche(id: summary.id, version: summary.currentVersion,
                                 definition: try await definition(demarcheID: summary.id, version: summary.currentVersion))
    }

    /// The current version of every démarche the scope sees, in one query (definitions come from the cache).
    public func currentDemarches(in scope: TenantScope) async throws -> [(summary: DemarcheSummary, current: VersionedDemarche)] {
        var result: [(summary: DemarcheSummary, current: VersionedDemarche)] = []
        for summary in try await demarches(in: scope) {
            let definition = try await definition(demarcheID: summary.id, version: summary.currentVersion)
            result.append((summary, VersionedDemarche(id: summary.id, version: summary.currentVersion, definition: definition)))
        }
        return result
    }

    func definition(demarcheID: String, version: Int) async throws -> DemarcheDefinition {
        if let cached = definitionCache.get(demarcheID, version) { return cached }
        guard let text = try await sql.raw("""
            SELECT definition FROM demarche_versions WHERE demarche_id = \(bind: demarcheID) AND version = \(bind: version)
            """).first(decodingColumn: "definition", as: String.self) else { throw StoreError.notFound }
        let definition = try fromJSON(DemarcheDefinition.self, text)
        definitionCache.put(demarcheID, version, definition)
        return definition
    }

    /// Publishes a definition as the next version of its démarche (created on first publish). Admins only.
    /// Requests filed under earlier versions keep theirs.
    @discardableResult
    public func publish(_ definition: DemarcheDefinition, in scope: TenantScope) async throws -> VersionedDemarche {
        guard scope.isAdmin else { throw StoreError.forbidden }
        guard definition.problems.isEmpty else { throw StoreError.conflict(definition.problems.joined(separator: " ")) }
        let text = String(decoding: definition.canonicalJSON(), as: UTF8.self)
        let now = nowMillis
        let published = try await write { sql in
            let existing = try await sql.raw("""
                SELECT id, slug, title, current_version, published_at, roles FROM demarches
                WHERE collectivite = \(bind: scope.slug) AND slug = \(bind: definition.slug)
                """).first(decoding: DemarcheSummary.self, keyDecodingStrategy: .convertFromSnakeCase)
            let id = existing?.id ?? newID()
            let version = (existing?.currentVersion ?? 0) + 1
            let roles = (existing?.roleSet ?? []).union(definition.workflow.roles).sorted().joined(separator: ",")
            if existing == nil {
                try await sql.raw("""
                    INSERT INTO demarches (id, collectivite, slug, title, current_version, roles, published_at, created_at)
                    VALUES (\(bind: id), \(bind: scope.slug), \(bind: definition.slug), \(bind: definition.title), \(bind: version),
                            \(bind: roles), \(bind: now), \(bind: now))
                    """).run()
            } else {
                try await sql.raw("""
                    UPDATE demarches SET title = \(bind: definition.title), current_version = \(bind: version), roles = \(bind: roles),
                    published_at = COALESCE(published_at, \(bind: now)) WHERE id = \(bind: id) AND collectivite = \(bind: scope.slug)
                    """).run()
            }
            try await sql.raw("""
                INSERT INTO demarche_versions (demarche_id, version, definition, author_id, created_at)
                VALUES (\(bind: id), \(bind: version), \(bind: text), \(bind: scope.agentID), \(bind: now))
                """).run()
            return VersionedDemarche(id: id, version: version, definition: definition)
        }
        catalogue.invalidate(scope.slug)
        return published
    }

    /// Takes a démarche off the portal (or puts it back); filed requests are unaffected. Admins only.
    public func setPublished(_ published: Bool, slug: String, in scope: TenantScope) async throws {
        guard scope.isAdmin else { throw StoreError.forbidden }
        let now = nowMillis
        try await write { sql in
            try await sql.raw("""
                UPDATE demarches SET published_at = \(bind: published ? now : nil as Int64?)
                WHERE collectivite = \(bind: scope.slug) AND slug = \(bind: slug)
                """).run()
        }
        catalogue.invalidate(scope.slug)
    }
}
