import Demarches
import Foundation
import SQLKit

public struct DemarcheSummary: Sendable, Equatable, Decodable {
    public var id: String
    public var slug: String
    public var title: String
    public var currentVersion: Int
    var publishedAt: Int64?
    public var roles: String
    public var isPublished: Bool { publishedAt != nil }
    var roleSet: Set<String> { Set(roles.split(separator: ",").map(String.init)) }
}

/// A démarche with one of its versions' definition.
public struct VersionedDemarche: Sendable {
    public var id: String
    public var version: Int
    public var definition: DemarcheDefinition
}

extension Store {
    /// The démarches of the scope's collectivité: published ones for citizens, all for its agents.
    /// Read on nearly every page and submission, so kept in `demarcheState.lists` until the collectivité publishes.
    public func demarches(in scope: TenantScope) async throws -> [DemarcheSummary] {
        let all = try await demarcheState.lists.value(tenant: scope.slug) {
            try await sql.raw("""
                SELECT id, slug, title, current_version, published_at, roles FROM demarches
                WHERE collectivite = \(bind: scope.slug)
                """).all(decoding: DemarcheSummary.self, keyDecodingStrategy: .convertFromSnakeCase).sortedFrench(by: \.title)
        }
        return scope.access == .citizen ? all.filter(\.isPublished) : all
    }

    /// The current version of a démarche, as citizens file it (published only, for citizens): its choice fields
    /// offer their data sources' items.
    public func currentDemarche(slug: String, in scope: TenantScope) async throws -> VersionedDemarche? {
        guard var current = try await authoredDemarche(slug: slug, in: scope) else { return nil }
        current.definition = try await resolved(current.definition, key: "\(current.id)#\(current.version)", tenant: scope.slug)
        return current
    }

    /// The current version of a démarche as its authors wrote it (data sources named, not filled in): for the
    /// editor and exports.
    public func authoredDemarche(slug: String, in scope: TenantScope) async throws -> VersionedDemarche? {
        guard let summary = try await demarches(in: scope).first(where: { $0.slug == slug }) else { return nil }
        return VersionedDemarche(id: summary.id, version: summary.currentVersion,
                                 definition: try await definition(demarcheID: summary.id, version: summary.currentVersion))
    }

    /// The current version of every démarche the scope sees, as authored, in one query (definitions come from the
    /// cache).
    public func currentDemarches(in scope: TenantScope) async throws -> [(summary: DemarcheSummary, current: VersionedDemarche)] {
        var result: [(summary: DemarcheSummary, current: VersionedDemarche)] = []
        for summary in try await demarches(in: scope) {
            let definition = try await definition(demarcheID: summary.id, version: summary.currentVersion)
            result.append((summary, VersionedDemarche(id: summary.id, version: summary.currentVersion, definition: definition)))
        }
        return result
    }

    func definition(demarcheID: String, version: Int) async throws -> DemarcheDefinition {
        if let cached = demarcheState.definitions.get(demarcheID, version) { return cached }
        guard let text = try await sql.raw("""
            SELECT definition FROM demarche_versions WHERE demarche_id = \(bind: demarcheID) AND version = \(bind: version)
            """).first(decodingColumn: "definition", as: String.self) else { throw StoreError.notFound }
        let definition = try fromJSON(DemarcheDefinition.self, text)
        demarcheState.definitions.put(demarcheID, version, definition)
        return definition
    }

    /// Publishes a definition as the next version of its démarche (created on first publish). Admins only.
    /// Requests filed under earlier versions keep theirs. A definition with problems, or reading a data source
    /// the collectivité does not have, is refused with every problem (`DefinitionError`).
    /// - Parameter online: put the démarche on the portal or take it off; nil keeps it as it was (a new one goes
    ///   online).
    @discardableResult
    public func publish(_ definition: DemarcheDefinition, online: Bool? = nil, in scope: TenantScope) async throws -> VersionedDemarche {
        try await publish(definition, sources: [], online: online, in: scope)
    }

    /// Imports a bundle: its data sources (created or replaced) and its démarche as a new version, in one
    /// transaction, so a refused bundle changes nothing.
    @discardableResult
    public func importBundle(_ bundle: DemarcheBundle, online: Bool? = nil, in scope: TenantScope) async throws -> VersionedDemarche {
        try await publish(bundle.demarche, sources: bundle.dataSources, online: online, in: scope)
    }

    /// The bundle of a démarche's current version: its definition and the data sources it reads. Admins only:
    /// it holds the addresses the démarche calls.
    public func bundle(slug: String, in scope: TenantScope) async throws -> DemarcheBundle? {
        guard scope.isAdmin else { throw StoreError.forbidden }
        guard let current = try await authoredDemarche(slug: slug, in: scope) else { return nil }
        let sources = try await dataSources(in: scope)
        return DemarcheBundle(demarche: current.definition, dataSources: current.definition.dataSourceIDs.compactMap { sources[$0]?.source })
    }

    /// - Parameter also: more writes for the same transaction (deleting the working copy published).
    func publish(_ definition: DemarcheDefinition, sources: [DataSource], online: Bool?, in scope: TenantScope,
                 also: (@Sendable (any SQLDatabase) async throws -> Void)? = nil) async throws -> VersionedDemarche {
        guard scope.mayAuthor else { throw StoreError.forbidden }
        let roles = Set(try await serviceRoles(of: scope.slug).map(\.slug)).union([TenantScope.adminRole])
        let problems = definition.problems + sources.flatMap(\.problems) + definition.workflow.unknownRoleProblems(known: roles)
        guard problems.isEmpty else { throw DefinitionError(problems: problems) }
        let text = String(decoding: definition.canonicalJSON(), as: UTF8.self)
        let now = nowMillis
        let published = try await write { sql in
            for source in sources { try await Self.upsert(source, tenant: scope.slug, at: now, on: sql) }
            let missing = try await missingSources(of: definition, tenant: scope.slug, on: sql)
            guard missing.isEmpty else { throw DefinitionError(problems: missing) }
            let existing = try await sql.raw("""
                SELECT id, slug, title, current_version, published_at, roles FROM demarches
                WHERE collectivite = \(bind: scope.slug) AND slug = \(bind: definition.slug)
                """).first(decoding: DemarcheSummary.self, keyDecodingStrategy: .convertFromSnakeCase)
            let id = existing?.id ?? newID()
            let version = (existing?.currentVersion ?? 0) + 1
            let roles = (existing?.roleSet ?? []).union(definition.workflow.roles).sorted().joined(separator: ",")
            let publishedAt: Int64? = switch online {
            case nil: existing == nil ? now : existing?.publishedAt
            case true?: existing?.publishedAt ?? now
            case false?: nil
            }
            if existing == nil {
                try await sql.raw("""
                    INSERT INTO demarches (id, collectivite, slug, title, current_version, roles, published_at, created_at)
                    VALUES (\(bind: id), \(bind: scope.slug), \(bind: definition.slug), \(bind: definition.title), \(bind: version),
                            \(bind: roles), \(bind: publishedAt), \(bind: now))
                    """).run()
            } else {
                try await sql.raw("""
                    UPDATE demarches SET title = \(bind: definition.title), current_version = \(bind: version), roles = \(bind: roles),
                    published_at = \(bind: publishedAt) WHERE id = \(bind: id) AND collectivite = \(bind: scope.slug)
                    """).run()
            }
            try await sql.raw("""
                INSERT INTO demarche_versions (demarche_id, version, definition, author_id, created_at)
                VALUES (\(bind: id), \(bind: version), \(bind: text), \(bind: scope.agentID), \(bind: now))
                """).run()
            try await also?(sql)
            return VersionedDemarche(id: id, version: version, definition: definition)
        }
        if !sources.isEmpty { sourceState.catalogue.invalidate(scope.slug) }
        demarcheState.lists.invalidate(scope.slug)
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
        demarcheState.lists.invalidate(scope.slug)
    }
}

/// One published version of a démarche, for its history.
public struct DemarcheVersionInfo: Sendable, Equatable {
    public var version: Int
    public var createdAt: Date
    /// The admin who published it; nil when the command line (seeding, imports) did.
    public var author: String?
    /// Requests filed under this version.
    public var demandes: Int
}

extension Store {
    /// A démarche's versions, newest first, with who published each and how many requests were filed under it.
    public func versions(ofDemarche slug: String, in scope: TenantScope) async throws -> [DemarcheVersionInfo] {
        guard let summary = try await demarches(in: scope).first(where: { $0.slug == slug }) else { return [] }
        struct Row: Decodable { var version: Int; var createdAt: Int64; var author: String?; var demandes: Int }
        return try await sql.raw("""
            SELECT v.version, v.created_at, a.name AS author,
                   (SELECT COUNT(*) FROM demandes d WHERE d.collectivite = \(bind: scope.slug) AND d.demarche_id = v.demarche_id
                    AND d.demarche_version = v.version) AS demandes
            FROM demarche_versions v LEFT JOIN accounts a ON a.id = v.author_id
            WHERE v.demarche_id = \(bind: summary.id) ORDER BY v.version DESC
            """).all(decoding: Row.self, keyDecodingStrategy: .convertFromSnakeCase)
            .map { DemarcheVersionInfo(version: $0.version, createdAt: Date(millis: $0.createdAt), author: $0.author, demandes: $0.demandes) }
    }

    /// One version of a démarche as authored, if the collectivité has it.
    public func authoredDemarche(slug: String, version: Int, in scope: TenantScope) async throws -> VersionedDemarche? {
        guard let summary = try await demarches(in: scope).first(where: { $0.slug == slug }),
              (1...summary.currentVersion).contains(version) else { return nil }
        return VersionedDemarche(id: summary.id, version: version, definition: try await definition(demarcheID: summary.id, version: version))
    }
}
