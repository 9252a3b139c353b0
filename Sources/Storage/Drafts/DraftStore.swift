import Demarches
import Foundation
import Identity
import SQLKit

/// A form's answers so far, kept to finish later: values as typed (unvalidated) and files already checked.
public struct FormDraft: Sendable, Equatable {
    public var id: String
    public var values: [String: [String]]
    public var files: [String: [StoredFile]]
    public var expiresAt: Date
}

extension Store {
    /// A signed-in citizen's draft of a démarche, unless it expired.
    public func draft(accountID: String, demarcheID: String) async throws -> FormDraft? {
        try await readDraft(sql.raw("""
            SELECT id, "values", files, expires_at FROM form_drafts
            WHERE account_id = \(bind: accountID) AND demarche_id = \(bind: demarcheID) AND expires_at > \(bind: nowMillis)
            """))
    }

    /// Saves a signed-in citizen's answers so far (one draft per démarche), for the lifetime of drafts from now.
    @discardableResult
    public func saveDraft(accountID: String, demarcheID: String, values: [String: [String]], files: [String: [StoredFile]] = [:],
                          in scope: TenantScope) async throws -> Date {
        let now = nowMillis
        let expires = now + Int64(draftState.lifetime * 1000)
        let (valuesText, filesText) = (try jsonText(values), try jsonText(files))
        try await write { sql in
            try await Self.checkOwned(demarcheID, scope, on: sql)
            try await sql.raw("""
                INSERT INTO form_drafts (id, collectivite, demarche_id, account_id, resume_hash, "values", files, updated_at, expires_at)
                VALUES (\(bind: newID()), \(bind: scope.slug), \(bind: demarcheID), \(bind: accountID), NULL, \(bind: valuesText), \(bind: filesText),
                        \(bind: now), \(bind: expires))
                ON CONFLICT (account_id, demarche_id) DO UPDATE SET "values" = excluded."values", files = excluded.files,
                updated_at = excluded.updated_at, expires_at = excluded.expires_at
                """).run()
        }
        return Date(millis: expires)
    }

    /// Keeps an anonymous citizen's answers so far and queues, in the same transaction, the e-mail holding the
    /// link to resume them (`mail` is given the link's secret). Returns when the draft expires.
    @discardableResult
    public func saveResumableDraft(demarcheID: String, values: [String: [String]], files: [String: [StoredFile]], in scope: TenantScope,
                                   mail: @escaping @Sendable (_ secret: String, _ expires: Date) -> OutboxMail) async throws -> Date {
        let now = nowMillis
        let expires = now + Int64(draftState.lifetime * 1000)
        let secret = Secret.token()
        let (valuesText, filesText) = (try jsonText(values), try jsonText(files))
        try await write { sql in
            try await Self.checkOwned(demarcheID, scope, on: sql)
            try await sql.raw("""
                INSERT INTO form_drafts (id, collectivite, demarche_id, account_id, resume_hash, "values", files, updated_at, expires_at)
                VALUES (\(bind: newID()), \(bind: scope.slug), \(bind: demarcheID), NULL, \(bind: Secret.hash(secret)), \(bind: valuesText),
                        \(bind: filesText), \(bind: now), \(bind: expires))
                """).run()
            try await Self.insertOutbox([mail(secret, Date(millis: expires))], at: now, on: sql)
        }
        return Date(millis: expires)
    }

    /// The anonymous draft a resume link's secret opens, for that démarche, unless it expired.
    public func resumableDraft(secret: String, demarcheID: String, in scope: TenantScope) async throws -> FormDraft? {
        try await readDraft(sql.raw("""
            SELECT id, "values", files, expires_at FROM form_drafts
            WHERE resume_hash = \(bind: Secret.hash(secret)) AND demarche_id = \(bind: demarcheID) AND collectivite = \(bind: scope.slug)
            AND expires_at > \(bind: nowMillis)
            """))
    }

    public func deleteDraft(accountID: String, demarcheID: String) async throws {
        try await write { sql in
            try await sql.raw("DELETE FROM form_drafts WHERE account_id = \(bind: accountID) AND demarche_id = \(bind: demarcheID)").run()
        }
    }

    /// Deletes a draft once its request is filed (its files now belong to the request).
    public func deleteDraft(id: String) async throws {
        try await write { sql in try await sql.raw("DELETE FROM form_drafts WHERE id = \(bind: id)").run() }
    }

    /// Deletes expired drafts, and the files they alone held (never filed with a request). Returns how many.
    @discardableResult
    public func purgeExpiredDrafts() async throws -> Int {
        let now = nowMillis
        struct Row: Decodable { var id: String; var files: String }
        let expired = try await sql.raw("SELECT id, files FROM form_drafts WHERE expires_at <= \(bind: now) LIMIT 500")
            .all(decoding: Row.self)
        guard !expired.isEmpty else { return 0 }
        let fileIDs = expired.flatMap { (try? fromJSON([String: [StoredFile]].self, $0.files))?.values.flatMap { $0.map(\.id) } ?? [] }
        let filed = try await write { sql in
            try await sql.delete(from: "form_drafts").where("id", .in, expired.map(\.id)).run()
            guard !fileIDs.isEmpty else { return Set<String>() }
            return Set(try await sql.select().column("id").from("demande_files").where("id", .in, fileIDs).all(decodingColumn: "id", as: String.self))
        }
        removeFiles(fileIDs.filter { !filed.contains($0) })
        return expired.count
    }

    private func readDraft(_ query: SQLRawBuilder) async throws -> FormDraft? {
        struct Row: Decodable { var id: String; var values: String; var files: String; var expiresAt: Int64 }
        guard let row = try await query.first(decoding: Row.self, keyDecodingStrategy: .convertFromSnakeCase) else { return nil }
        return FormDraft(id: row.id, values: try fromJSON([String: [String]].self, row.values),
                         files: try fromJSON([String: [StoredFile]].self, row.files), expiresAt: Date(millis: row.expiresAt))
    }

    private static func checkOwned(_ demarcheID: String, _ scope: TenantScope, on sql: any SQLDatabase) async throws {
        let owned = try await sql.raw("SELECT id FROM demarches WHERE id = \(bind: demarcheID) AND collectivite = \(bind: scope.slug)").first()
        guard owned != nil else { throw StoreError.notFound }
    }
}
