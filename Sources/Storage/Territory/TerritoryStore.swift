import Foundation
import SQLKit
import Territory

extension Store {
    /// Inserts or refreshes the collectivités from the shipped data. Idempotent. Membership is only set on insert:
    /// once a collectivité exists, its membership is the Métropole's decision, not the data file's.
    public func loadTerritory(_ collectivites: [Collectivite]) async throws {
        try await write { sql in
            for c in collectivites {
                let populations = try jsonText(Dictionary(uniqueKeysWithValues: c.populations.map { (String($0.key), $0.value) }))
                let townHall = try c.townHall.map(jsonText)
                try await sql.raw("""
                    INSERT INTO collectivites (slug, insee, name, kind, membership, request_prefix, populations, town_hall, boundary)
                    VALUES (\(bind: c.slug), \(bind: c.insee), \(bind: c.name), \(bind: c.kind.rawValue), \(bind: c.membership.rawValue),
                            \(bind: c.requestPrefix), \(bind: populations), \(bind: townHall), \(bind: c.boundaryGeoJSON))
                    ON CONFLICT (slug) DO UPDATE SET name = excluded.name, insee = excluded.insee, populations = excluded.populations,
                        town_hall = excluded.town_hall, boundary = excluded.boundary
                    """).run()
            }
        }
        territoryState.collectivites.invalidateAll()
        routingState.router.invalidateAll()
    }

    /// Sets every commune's membership as `collectivites` has it: the operator's explicit file at `guichet init`,
    /// which, unlike the shipped data, overrides what is there.
    public func setMemberships(_ collectivites: [Collectivite]) async throws {
        try await write { sql in
            for c in collectivites where c.kind == .commune {
                try await sql.raw("UPDATE collectivites SET membership = \(bind: c.membership.rawValue) WHERE slug = \(bind: c.slug)").run()
            }
        }
        territoryState.collectivites.invalidateAll()
        routingState.router.invalidateAll()
        demarcheState.lists.invalidateAll()
    }

    /// The Métropole first, then the communes by name as a French reader sorts them (Écully among the E).
    public func collectivites() async throws -> [Collectivite] {
        try await loadedTerritory().ordered
    }

    public func collectivite(slug: String) async throws -> Collectivite? {
        try await loadedTerritory().bySlug[slug]
    }

    /// Every request starts by finding its collectivité: read them all once, sorted once, kept until the territory
    /// changes.
    private func loadedTerritory() async throws -> LoadedTerritory {
        try await territoryState.collectivites.value(tenant: "*") {
            let rows = try await sql.raw("SELECT * FROM collectivites")
                .all(decoding: CollectiviteRow.self, keyDecodingStrategy: .convertFromSnakeCase)
            return LoadedTerritory(try rows.map { try $0.model() })
        }
    }
}

struct LoadedTerritory: Sendable {
    let ordered: [Collectivite]
    let bySlug: [String: Collectivite]

    init(_ all: [Collectivite]) {
        // The Métropole first, then the communes in French order.
        ordered = all.filter { $0.kind == .metropole } + all.filter { $0.kind != .metropole }.sortedFrench(by: \.name)
        bySlug = Dictionary(uniqueKeysWithValues: all.map { ($0.slug, $0) })
    }

}

struct CollectiviteRow: Decodable {
    var slug: String
    var insee: String?
    var name: String
    var kind: String
    var membership: String
    var requestPrefix: String
    var populations: String
    var townHall: String?
    var boundary: String?

    func model() throws -> Collectivite {
        let pops = try fromJSON([String: Int].self, populations)
        return Collectivite(slug: slug, insee: insee, name: name, kind: Collectivite.Kind(rawValue: kind) ?? .commune,
                            membership: Membership(rawValue: membership) ?? .none, requestPrefix: requestPrefix,
                            populations: Dictionary(uniqueKeysWithValues: pops.compactMap { k, v in Int(k).map { ($0, v) } }),
                            townHall: try townHall.map { try fromJSON(TownHall.self, $0) }, boundaryGeoJSON: boundary)
    }
}
