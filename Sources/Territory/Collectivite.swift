/// A collectivité: the Métropole or one of its communes. Every tenant-scoped record belongs to one.
public struct Collectivite: Sendable, Codable, Equatable {
    public enum Kind: String, Sendable, Codable { case metropole, commune }

    /// `slug` is the stable public key (`/c/{slug}/`); `insee` is nil for the Métropole.
    public var slug: String
    public var insee: String?
    public var name: String
    public var kind: Kind
    public var membership: Membership
    /// Three letters that start every request number of this collectivité (`CAL-2026-000123`).
    public var requestPrefix: String
    /// Population municipale by reference year.
    public var populations: [Int: Int]
    public var townHall: TownHall?
    /// GeoJSON geometry (a MultiPolygon) as text, ready to hand to a map.
    public var boundaryGeoJSON: String?

    public init(slug: String, insee: String?, name: String, kind: Kind, membership: Membership, requestPrefix: String,
                populations: [Int: Int] = [:], townHall: TownHall? = nil, boundaryGeoJSON: String? = nil) {
        self.slug = slug; self.insee = insee; self.name = name; self.kind = kind; self.membership = membership
        self.requestPrefix = requestPrefix; self.populations = populations; self.townHall = townHall
        self.boundaryGeoJSON = boundaryGeoJSON
    }

    /// Whether citizens can file démarches here. The Métropole always can; a commune only once it joined Toodego.
    public var hasInstance: Bool { kind == .metropole || membership != .none }

    /// Whether its agents work in Guichet's back-office. A *connecté* commune processes requests in its own GRC.
    public var hasBackOffice: Bool { kind == .metropole || membership == .partenaire || membership == .abonne }

    /// Whether its agents may author démarches. *Abonné* communes use the frozen shared catalogue as it is.
    public var authorsDemarches: Bool { kind == .metropole || membership == .partenaire }

    /// The latest population known, with its year.
    public var latestPopulation: (year: Int, population: Int)? {
        populations.max { $0.key < $1.key }.map { ($0.key, $0.value) }
    }
}

/// How a commune joined Toodego (deliberation CP-2025-4074, III-1°).
public enum Membership: String, Sendable, Codable, CaseIterable {
    case none, partenaire, connecte, abonne

    public var label: String {
        switch self {
        case .none: "Non adhérente"
        case .partenaire: "Partenaire"
        case .connecte: "Connectée"
        case .abonne: "Abonnée"
        }
    }
}
