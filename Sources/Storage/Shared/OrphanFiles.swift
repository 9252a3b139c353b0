import Foundation
import SQLKit

extension Store {
    /// How old an unreferenced file must be before it is deleted: far beyond a filing's transaction (its files are
    /// written just before) and a form being filled in (an anonymous visitor's pages live in a session that ends 8
    /// hours after its last request).
    public static let orphanFileAge: TimeInterval = 48 * 3600

    /// The session key prefix under which the portal keeps a visitor's form in progress (its files included), so
    /// that the purge finds the files those forms name.
    public static let formProgressSessionKey = "saisie:"

    /// Deletes the uploaded files nothing refers to (no request, no draft, no form in progress in a session),
    /// written more than `age` ago: those of a filing whose transaction failed, of a page of a form whose visitor
    /// went away, of a file replaced on a page, and temporary files a crash left. Returns how many.
    @discardableResult
    public func purgeOrphanFiles(olderThan age: TimeInterval = Store.orphanFileAge) async throws -> Int {
        let candidates = files.files(writtenBefore: clock().addingTimeInterval(-age))
        guard !candidates.isEmpty else { return 0 }
        var referenced = Set<String>()
        for start in stride(from: 0, to: candidates.count, by: 500) {
            let names = candidates[start..<min(start + 500, candidates.count)].map(\.name)
            referenced.formUnion(try await sql.select().column("id").from("demande_files").where("id", .in, names)
                .all(decodingColumn: "id", as: String.self))
        }
        // Drafts and forms in progress name their files inside JSON: every id-shaped word there counts.
        let drafts = try await sql.raw("SELECT files AS text FROM form_drafts").all(decodingColumn: "text", as: String.self)
        let progress = try await sql.raw("SELECT data AS text FROM sessions WHERE data LIKE \(bind: "%" + Self.formProgressSessionKey + "%")")
            .all(decodingColumn: "text", as: String.self)
        for text in drafts + progress {
            for match in text.matches(of: /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/) { referenced.insert(String(match.0)) }
        }
        var removed = 0
        for file in candidates where !referenced.contains(file.name) {
            if (try? FileManager.default.removeItem(at: file.url)) != nil { removed += 1 }
        }
        return removed
    }
}
