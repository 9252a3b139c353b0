import Foundation

/// Loads the Métropole and its 58 communes from the data shipped with Guichet (Sources/Territory/Data, see SOURCES.md).
public enum TerritoryData {
    enum LoadError: Error, CustomStringConvertible {
        case missingResource(String)
        case malformed(String)
        public var description: String {
            switch self {
            case .missingResource(let name): "missing territory resource \(name)"
            case .malformed(let why): "malformed territory data: \(why)"
            }
        }
    }

    public static let metropoleSlug = "metropole"

    /// The 59 collectivités, the Métropole first, then communes by name. Memberships come from the deliberation's
    /// list of signatories (convention-2025-signataires.csv): those with a Toodego offer hold it, others have none.
    public static func load() throws -> [Collectivite] {
        let communes = try CSVTable(text: resource("lyon-communes", "csv"))
        let prefixes = try CSVTable(text: resource("request-prefixes", "csv")).index(by: "code_insee", value: "prefixe")
        let offers = try CSVTable(text: resource("convention-2025-signataires", "csv")).index(by: "code_insee", value: "toodego_offre")
        let features = try GeoFeatures(json: Data(resource("lyon-communes", "geojson").utf8))

        var result = [Collectivite(slug: metropoleSlug, insee: nil, name: "Métropole de Lyon", kind: .metropole,
                                   membership: .none, requestPrefix: try prefix(prefixes, metropoleSlug))]
        var totals: [Int: Int] = [:]
        for row in communes.rows {
            let insee = row["code_insee"] ?? ""
            guard let name = row["nom"], !insee.isEmpty,
                  let pop2017 = Int(row["pop_municipale_2017"] ?? ""), let pop2021 = Int(row["pop_rp2021_iris_sum"] ?? "")
            else { throw LoadError.malformed("commune row \(row)") }
            let membership = Membership(rawValue: offers[insee] ?? "") ?? .none
            let feature = features.byInsee[insee]
            let populations = [2017: pop2017, 2021: pop2021]
            for (year, pop) in populations { totals[year, default: 0] += pop }
            result.append(Collectivite(slug: Slug.make(name), insee: insee, name: name, kind: .commune,
                                       membership: membership, requestPrefix: try prefix(prefixes, insee),
                                       populations: populations, townHall: feature?.townHall,
                                       boundaryGeoJSON: feature?.geometry))
        }
        result[0].populations = totals
        guard result.count == 59 else { throw LoadError.malformed("expected 58 communes, found \(result.count - 1)") }
        return result
    }

    /// The territory with each commune's Toodego offer taken from `csv` (columns `code_insee` and `toodego_offre`:
    /// partenaire, connecte, abonne or empty; other columns ignored: the shipped signatories' file has this
    /// shape). Communes the file does not name have none. A row naming no commune of the Métropole, or an
    /// unknown offer, refuses the whole file with its line number.
    public static func load(memberships csv: String) throws -> [Collectivite] {
        let table = try CSVTable(text: csv)
        guard table.header.contains("code_insee"), table.header.contains("toodego_offre") else {
            throw LoadError.malformed("les colonnes code_insee et toodego_offre sont attendues")
        }
        var territory = try load()
        let known = Set(territory.compactMap(\.insee))
        var offers: [String: Membership] = [:]
        for (index, row) in table.rows.enumerated() {
            let insee = row["code_insee"] ?? "", offer = row["toodego_offre"] ?? ""
            guard known.contains(insee) else { throw LoadError.malformed("ligne \(index + 2) : « \(insee) » n'est pas une commune de la Métropole") }
            guard let membership = offer.isEmpty ? Membership.none : Membership(rawValue: offer), membership != .none || offer.isEmpty else {
                throw LoadError.malformed("ligne \(index + 2) : offre « \(offer) » inconnue (partenaire, connecte, abonne ou vide)")
            }
            offers[insee] = membership
        }
        for i in territory.indices where territory[i].kind == .commune {
            territory[i].membership = territory[i].insee.flatMap { offers[$0] } ?? .none
        }
        return territory
    }

    /// The deliberation's signatories (convention-2025-signataires.csv): INSEE code, Toodego offer (or none),
    /// whether they take laclasse.com.
    public static func signatories() throws -> [(insee: String, toodego: String?, laclasse: Bool)] {
        try CSVTable(text: resource("convention-2025-signataires", "csv")).rows.map { row in
            (row["code_insee"] ?? "", (row["toodego_offre"] ?? "").isEmpty ? nil : row["toodego_offre"], row["laclasse"] == "oui")
        }
    }

    private static func prefix(_ table: [String: String], _ key: String) throws -> String {
        guard let p = table[key], p.count == 3 else { throw LoadError.malformed("no request prefix for \(key)") }
        return p
    }

    private static func resource(_ name: String, _ ext: String) throws -> String {
        guard let url = Bundle.module.url(forResource: name, withExtension: ext, subdirectory: "Data")
        else { throw LoadError.missingResource("\(name).\(ext)") }
        return try String(contentsOf: url, encoding: .utf8)
    }
}
