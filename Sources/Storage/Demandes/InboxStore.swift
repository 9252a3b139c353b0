import Demarches
import Foundation
import SQLKit

extension Store {
    /// The agent's inbox: requests of the démarches their roles see, filtered, sorted and paginated, with counts
    /// per status. Indexed queries; the free-text filter searches the words of each request (number, e-mail, text
    /// answers) through a full-text index (migration 002).
    public func inbox(_ query: InboxQuery, in scope: TenantScope) async throws -> InboxPage {
        let demarches = try await demarches(in: scope)
        let visible = visibleDemarcheIDs(demarches, in: scope)
        var ids = demarches.filter { visible.contains($0.id) }.map(\.id)
        if let slug = query.demarcheSlug, !slug.isEmpty { ids = demarches.filter { $0.slug == slug && visible.contains($0.id) }.map(\.id) }
        let pageSize = min(max(query.pageSize, 1), 200)
        let page = min(max(query.page, InboxQuery.pages.lowerBound), InboxQuery.pages.upperBound)
        guard !ids.isEmpty || query.shared else { return InboxPage(rows: [], total: 0, countsByStatus: [:], page: page, pageSize: pageSize) }

        let sqlite = sql.dialect.name == "sqlite"
        let searchFilter = query.text.flatMap { self.textFilter($0, sqlite: sqlite) }
        let now = nowMillis
        func filters(includingStatus: Bool) -> SQLQueryString {
            var q: SQLQueryString
            if query.shared {
                // Shared by another collectivité, as `visibleSharedServices` says.
                q = "d.id IN (SELECT r.demande_id FROM relays r WHERE r.collectivite = \(bind: scope.slug) AND r.channel = 'inbox' AND r.expires_at > \(bind: now))"
                if let services = visibleSharedServices(in: scope) {
                    q.appendInterpolation(unsafeRaw: " AND (d.routed_service IS NULL OR d.routed_service IN (")
                    q.appendInterpolation(binds: services.isEmpty ? [""] : services.sorted())
                    q.appendInterpolation(unsafeRaw: "))")
                }
            } else {
                // With a word search, SQLite must start from the (few) matching requests, not walk the collectivité's
                // index and test each one: `+` keeps that index out of the plan. The tenant condition still applies.
                q = searchFilter != nil && sqlite ? "+d.collectivite = \(bind: scope.slug)" : "d.collectivite = \(bind: scope.slug)"
                if ids.count == 1 { q.appendInterpolation(unsafeRaw: " AND d.demarche_id = "); q.appendInterpolation(bind: ids[0]) }
                else if ids.count < demarches.count {
                    q.appendInterpolation(unsafeRaw: " AND d.demarche_id IN ("); q.appendInterpolation(binds: ids); q.appendInterpolation(unsafeRaw: ")")
                }
            }
            if includingStatus, let status = query.status, !status.isEmpty {
                q.appendInterpolation(unsafeRaw: " AND d.status = "); q.appendInterpolation(bind: status)
            }
            if let from = query.from {
                q.appendInterpolation(unsafeRaw: " AND d.submitted_at >= "); q.appendInterpolation(bind: Int64(from.timeIntervalSince1970 * 1000))
            }
            if let to = query.to {
                q.appendInterpolation(unsafeRaw: " AND d.submitted_at < "); q.appendInterpolation(bind: Int64(to.timeIntervalSince1970 * 1000))
            }
            if let searchFilter {
                q.appendInterpolation(unsafeRaw: " AND ")
                q.appendInterpolation(searchFilter)
            }
            return q
        }

        let order = switch query.sort {
        case .newest: "d.submitted_at DESC, d.number DESC"
        case .oldest: "d.submitted_at ASC, d.number ASC"
        case .number: "d.number ASC"
        }
        let rows = try await sql.raw("""
            SELECT d.collectivite, d.number, d.status, m.slug AS demarche_slug, m.title AS demarche_title, d.email, d.submitted_at, d.updated_at,
                (SELECT e.actor_name FROM demande_events e WHERE e.demande_id = d.id AND e.seq = 1) AS citizen_name
            FROM demandes d JOIN demarches m ON m.id = d.demarche_id
            WHERE \(filters(includingStatus: true)) ORDER BY \(unsafeRaw: order)
            LIMIT \(unsafeRaw: String(pageSize)) OFFSET \(unsafeRaw: String((page - 1) * pageSize))
            """).all(decoding: InboxRow.self, keyDecodingStrategy: .convertFromSnakeCase)
        // Counts without date or text filters are what every inbox view shows: cached per tenant until a write
        // changes them (see `TenantCache`), they cost nothing on the next view.
        let cacheable = query.from == nil && query.to == nil && searchFilter == nil && !query.shared
        let cacheKey = ids.sorted().joined(separator: ",")
        let countByStatus = { () async throws -> [String: Int] in
            struct Count: Decodable { var status: String; var n: Int }
            let counts = try await sql.raw("""
                SELECT d.status, COUNT(*) AS n FROM demandes d WHERE \(filters(includingStatus: false)) GROUP BY d.status
                """).all(decoding: Count.self)
            return Dictionary(uniqueKeysWithValues: counts.map { ($0.status, $0.n) })
        }
        let byStatus = cacheable ? try await demandeState.inboxCounts.value(tenant: scope.slug, key: cacheKey, read: countByStatus)
                                 : try await countByStatus()
        let total = if let status = query.status, !status.isEmpty { byStatus[status] ?? 0 } else { byStatus.values.reduce(0, +) }
        return InboxPage(rows: rows, total: total, countsByStatus: byStatus, page: page, pageSize: pageSize)
    }

    /// Every word of `text` begins a word of the request, in any order ("past cal" finds "12 rue Pasteur,
    /// Caluire"; "CAL-2026-000042" finds that request): FTS5 on SQLite, a `simple` text-search index on PostgreSQL
    /// (migration 002).
    /// Nil when the search has no words (only punctuation): it filters nothing.
    /// A request number alone ("cal-2026-000042", as citizens read it out on the phone) is looked up exactly.
    func textFilter(_ text: String, sqlite: Bool) -> SQLQueryString? {
        let number = text.trimmingCharacters(in: .whitespaces).uppercased()
        if RequestNumber.isWellFormed(number) { return "d.number = \(bind: number)" }
        let words = SearchWords.words(text).prefix(12)
        guard !words.isEmpty else { return nil }
        if sqlite {
            let query = words.map { "\"\($0)\"*" }.joined(separator: " ")
            return "d.id IN (SELECT demande_id FROM demandes_text WHERE demandes_text MATCH \(bind: query))"
        }
        let query = words.map { "\($0):*" }.joined(separator: " & ")
        return "to_tsvector('simple', d.search_text) @@ to_tsquery('simple', \(bind: query))"
    }
}
