import Demarches
import Foundation
import SQLKit

/// A démarche being designed: its definition (problems allowed), the revision the page was drawn from, and the
/// published version it started from (nil for a démarche never published).
public struct WorkingCopy: Sendable {
    public var definition: DemarcheDefinition
    public var revision: Int
    public var basedOnVersion: Int?
    public var updatedAt: Date
    public var author: String?
}

extension Store {
    public func workingCopy(slug: String, in scope: TenantScope) async throws -> WorkingCopy? {
        try authorCheck(scope)
        struct Row: Decodable { var definition: String; var revision: Int; var basedOnVersion: Int?; var updatedAt: Int64; var author: String? }
        guard let row = try await sql.raw("""
            SELECT w.definition, w.revision, w.based_on_version, w.updated_at, a.name AS author
            FROM working_copies w LEFT JOIN accounts a ON a.id = w.author_id
            WHERE w.collectivite = \(bind: scope.slug) AND w.slug = \(bind: slug)
            """).first(decoding: Row.self, keyDecodingStrategy: .convertFromSnakeCase) else { return nil }
        return WorkingCopy(definition: try fromJSON(DemarcheDefinition.self, row.definition), revision: row.revision,
                           basedOnVersion: row.basedOnVersion, updatedAt: Date(millis: row.updatedAt), author: row.author)
    }

    /// The collectivité's working copies, for the list (new démarches exist only as one until first published).
    public func workingCopies(in scope: TenantScope) async throws -> [(slug: String, title: String, basedOnVersion: Int?)] {
        try authorCheck(scope)
        struct Row: Decodable { var slug: String; var definition: String; var basedOnVersion: Int? }
        return try await sql.raw("""
            SELECT slug, definition, based_on_version FROM working_copies WHERE collectivite = \(bind: scope.slug) ORDER BY slug
            """).all(decoding: Row.self, keyDecodingStrategy: .convertFromSnakeCase)
            .map { ($0.slug, (try? fromJSON(DemarcheDefinition.self, $0.definition))?.title ?? $0.slug, $0.basedOnVersion) }
    }

    /// The démarche's working copy, or its current version offered as revision 0 when nobody is designing it:
    /// the copy is written by the first edit, so looking at the designer changes nothing.
    public func workingCopyOrCurrent(slug: String, in scope: TenantScope) async throws -> WorkingCopy? {
        if let copy = try await workingCopy(slug: slug, in: scope) { return copy }
        guard let current = try await authoredDemarche(slug: slug, in: scope) else { return nil }
        return WorkingCopy(definition: current.definition, revision: 0, basedOnVersion: current.version, updatedAt: clock(), author: nil)
    }

    /// Starts a new démarche as a working copy; refused when the identifier is taken or invalid.
    public func createWorkingCopy(_ definition: DemarcheDefinition, in scope: TenantScope) async throws {
        try authorCheck(scope)
        let taken = try await demarches(in: scope).contains { $0.slug == definition.slug }
        let copied = try await workingCopy(slug: definition.slug, in: scope) != nil
        if taken || copied {
            throw DefinitionError(problems: ["Une démarche « \(definition.slug) » existe déjà."])
        }
        try await saveWorkingCopy(definition, revision: 0, basedOn: nil, in: scope)
    }

    /// Saves an edited copy, if nobody saved it since `revision` was read (0: the copy does not exist yet, made
    /// from version `basedOn`); else `StoreError.conflict`.
    public func saveWorkingCopy(_ definition: DemarcheDefinition, revision: Int, basedOn: Int?, in scope: TenantScope) async throws {
        try authorCheck(scope)
        let text = try jsonText(definition)
        let now = nowMillis
        let updated = try await write { sql in
            if revision == 0 {
                let exists = try await sql.raw("""
                    SELECT revision FROM working_copies WHERE collectivite = \(bind: scope.slug) AND slug = \(bind: definition.slug)
                    """).first() != nil
                if exists { return 0 }
                try await sql.raw("""
                    INSERT INTO working_copies (collectivite, slug, definition, revision, based_on_version, author_id, updated_at)
                    VALUES (\(bind: scope.slug), \(bind: definition.slug), \(bind: text), 1, \(bind: basedOn), \(bind: scope.agentID), \(bind: now))
                    """).run()
                return 1
            }
            return try await sql.raw("""
                UPDATE working_copies SET definition = \(bind: text), revision = revision + 1, author_id = \(bind: scope.agentID),
                updated_at = \(bind: now)
                WHERE collectivite = \(bind: scope.slug) AND slug = \(bind: definition.slug) AND revision = \(bind: revision)
                RETURNING revision
                """).all().count
        }
        guard updated == 1 else { throw StoreError.conflict("La conception a été modifiée entre-temps, par vous dans un autre onglet ou par un collègue.") }
    }

    public func discardWorkingCopy(slug: String, in scope: TenantScope) async throws {
        try authorCheck(scope)
        try await write { sql in
            try await sql.raw("DELETE FROM working_copies WHERE collectivite = \(bind: scope.slug) AND slug = \(bind: slug)").run()
        }
    }

    /// Publishes the working copy as the démarche's next version and deletes it, in one transaction; a copy with
    /// problems is refused with all of them (`DefinitionError`) and stays as it is.
    @discardableResult
    public func publishWorkingCopy(slug: String, revision: Int, online: Bool?, in scope: TenantScope) async throws -> VersionedDemarche {
        guard let copy = try await workingCopy(slug: slug, in: scope) else { throw StoreError.notFound }
        guard copy.revision == revision else { throw StoreError.conflict("La conception a été modifiée entre-temps.") }
        return try await publish(copy.definition, sources: [], online: online, in: scope) { sql in
            try await sql.raw("""
                DELETE FROM working_copies WHERE collectivite = \(bind: scope.slug) AND slug = \(bind: slug) AND revision = \(bind: revision)
                """).run()
        }
    }
}
