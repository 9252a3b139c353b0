import Foundation
import SQLKit
import Synchronization

extension Store {
    /// The agent's inbox: requests of the démarches their roles see, filtered, sorted and paginated, with counts
    /// per status. Three indexed queries; the free-text filter is a LIKE on a lowercased digest.
    public func inbox(_ query: InboxQuery, in scope: TenantScope) async throws -> InboxPage {
        let demarches = try await demarches(in: scope)
        let visible = visibleDemarcheIDs(demarches, in: scope)
        var ids = demarches.filter { visible.contains($0.id) }.map(\.id)
        if let slug = query.demarcheSlug, !slug.isEmpty { ids = demarches.filter { $0.slug == slug && visible.contains($0.id) }.map(\.id) }
        let pageSize = min(max(query.pageSize, 1), 200)
        let page = max(query.page, 1)
        guard !ids.isEmpty else { return InboxPage(rows: [], total: 0, countsByStatus: [:], page: page, pageSize: pageSize) }

        func filters(includingStatus: Bool) -> SQLQueryString {
            var q = SQLQueryString("d.collectivite = \(bind: scope.slug)")
            if ids.count == 1 { q.appendInterpolation(unsafeRaw: " AND d.demarche_id = "); q.appendInterpolation(bind: ids[0]) }
            else if ids.count < demarches.count {
                q.appendInterpolation(unsafeRaw: " AND d.demarche_id IN ("); q.appendInterpolation(binds: ids); q.appendInterpolation(unsafeRaw: ")")
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
            if let text = query.text?.trimmingCharacters(in: .whitespaces).lowercased(), !text.isEmpty {
                let escaped = text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "%", with: "\\%")
                    .replacingOccurrences(of: "_", with: "\\_")
                q.appendInterpolation(unsafeRaw: " AND d.search_text LIKE "); q.appendInterpolation(bind: "%\(escaped)%")
                q.appendInterpolation(unsafeRaw: " ESCAPE '\\'")
            }
            return q
        }

        let order = switch query.sort {
        case .newest: "d.submitted_at DESC, d.number DESC"
        case .oldest: "d.submitted_at ASC, d.number ASC"
        case .number: "d.number ASC"
        }
        let rows = try await sql.raw("""
            SELECT d.number, d.status, m.slug AS demarche_slug, m.title AS demarche_title, d.email, d.submitted_at, d.updated_at
            FROM demandes d JOIN demarches m ON m.id = d.demarche_id
            WHERE \(filters(includingStatus: true)) ORDER BY \(unsafeRaw: order)
            LIMIT \(unsafeRaw: String(pageSize)) OFFSET \(unsafeRaw: String((page - 1) * pageSize))
            """).all(decoding: InboxRow.self, keyDecodingStrategy: .convertFromSnakeCase)
        // Counts without date or text filters are what every inbox view shows: cached per tenant until a write
        // changes them (see `InboxCounts`), they cost nothing on the next view.
        let cacheable = query.from == nil && query.to == nil && (query.text ?? "").trimmingCharacters(in: .whitespaces).isEmpty
        let cacheKey = ids.sorted().joined(separator: ",")
        let byStatus: [String: Int]
        if cacheable, let cached = inboxCounts.get(tenant: scope.slug, key: cacheKey) {
            byStatus = cached
        } else {
            let generation = inboxCounts.generation(scope.slug)
            struct Count: Decodable { var status: String; var n: Int }
            let counts = try await sql.raw("""
                SELECT d.status, COUNT(*) AS n FROM demandes d WHERE \(filters(includingStatus: false)) GROUP BY d.status
                """).all(decoding: Count.self)
            byStatus = Dictionary(uniqueKeysWithValues: counts.map { ($0.status, $0.n) })
            if cacheable { inboxCounts.put(tenant: scope.slug, key: cacheKey, counts: byStatus, generation: generation) }
        }
        let total = query.status.map { $0.isEmpty ? nil : $0 }.flatMap { $0 }.map { byStatus[$0] ?? 0 } ?? byStatus.values.reduce(0, +)
        return InboxPage(rows: rows, total: total, countsByStatus: byStatus, page: page, pageSize: pageSize)
    }
}

/// Inbox counts per status, by tenant and set of démarches. Every committed write that adds a request or changes a
/// status bumps its tenant's generation, which voids that tenant's entries; an entry computed while a write was
/// committing carries the older generation and is never served. Exact because Guichet is one process per database.
final class InboxCounts: Sendable {
    private struct State {
        var generations: [String: Int] = [:]
        var entries: [String: (generation: Int, counts: [String: Int])] = [:]
    }
    private let state = Mutex(State())

    func generation(_ tenant: String) -> Int { state.withLock { $0.generations[tenant, default: 0] } }

    func get(tenant: String, key: String) -> [String: Int]? {
        state.withLock { s in
            guard let entry = s.entries["\(tenant)|\(key)"], entry.generation == s.generations[tenant, default: 0] else { return nil }
            return entry.counts
        }
    }

    func put(tenant: String, key: String, counts: [String: Int], generation: Int) {
        state.withLock { $0.entries["\(tenant)|\(key)"] = (generation, counts) }
    }

    func invalidate(_ tenant: String) { state.withLock { $0.generations[tenant, default: 0] += 1 } }
}
