import Foundation
import SQLKit
import Territory

/// Where a stored legal text comes from, for the admin to see. Without one, the page shows Guichet's default,
/// worded for the collectivité (`LegalPage.defaultText`).
public enum LegalTextSource: Sendable, Equatable {
    /// The collectivité's own text.
    case own
    /// The Métropole's text, which every commune shows until it writes its own.
    case metropole
}

extension Store {
    /// The text of `page` for a collectivité: its own, else the Métropole's, else nil (the caller words the default).
    public func legalText(_ page: LegalPage, of collectivite: String) async throws -> (body: String, source: LegalTextSource)? {
        struct Row: Decodable { var collectivite: String; var body: String }
        let metropole = try await collectivites().first { $0.kind == .metropole }?.slug
        let rows = try await sql.raw("""
            SELECT collectivite, body FROM legal_texts WHERE page = \(bind: page.rawValue)
            AND collectivite IN (\(binds: [collectivite, metropole ?? collectivite]))
            """).all(decoding: Row.self)
        if let own = rows.first(where: { $0.collectivite == collectivite }) {
            return (own.body, collectivite == metropole ? .metropole : .own)
        }
        return rows.first.map { ($0.body, .metropole) }
    }

    /// An admin sets the collectivité's own text; an empty one goes back to the Métropole's (or Guichet's).
    public func saveLegalText(_ page: LegalPage, body: String, in scope: TenantScope) async throws {
        guard scope.isAdmin, case .agent(let agentID, _) = scope.access else { throw StoreError.forbidden }
        let text = body.trimmingCharacters(in: .whitespacesAndNewlines)
        let now = nowMillis
        try await write { sql in
            try await sql.raw("DELETE FROM legal_texts WHERE collectivite = \(bind: scope.slug) AND page = \(bind: page.rawValue)").run()
            guard !text.isEmpty else { return }
            try await sql.raw("""
                INSERT INTO legal_texts (collectivite, page, body, updated_by, updated_at)
                VALUES (\(bind: scope.slug), \(bind: page.rawValue), \(bind: text), \(bind: agentID), \(bind: now))
                """).run()
        }
    }
}
