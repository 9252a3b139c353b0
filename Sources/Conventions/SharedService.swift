import Foundation

/// A Toodego offer level (deliberation CP-2025-4074, III-1°): *partenaire* (own instance), *connecté* (connectors
/// to the commune's own GRC software), *abonné* (turnkey démarches from a shared catalogue).
public enum Offer: String, Sendable, Codable, CaseIterable {
    case partenaire, connecte, abonne

    public var french: String {
        switch self {
        case .partenaire: "partenaire"
        case .connecte: "connecté"
        case .abonne: "abonné"
        }
    }
}

/// How a service is priced, in its annex: free, a fixed part plus a rate per inhabitant (the convention cadre's
/// rule), or a derogatory flat amount stated in the annex.
public enum Pricing: Sendable, Equatable, Codable {
    case free
    case perInhabitant(fixed: Decimal, rate: Decimal)
    case derogatory(amount: Decimal, rule: String)
}

/// A service of the convention cadre's catalogue, with its annex and its pricing per offer (a service without
/// offer levels has one pricing, under `nil`).
public struct SharedService: Sendable, Equatable, Identifiable {
    public var id: String
    public var name: String
    public var annex: String
    /// Pricing by offer; the base year's amounts (the deliberation's are 2026 values).
    public var pricing: [Offer?: Pricing]
    /// Offers that can be joined now (*abonné* only once its catalogue exists).
    public var openOffers: Set<Offer>

    public init(id: String, name: String, annex: String, pricing: [Offer?: Pricing], openOffers: Set<Offer> = []) {
        self.id = id; self.name = name; self.annex = annex; self.pricing = pricing; self.openOffers = openOffers
    }

    public var hasOffers: Bool { pricing.keys.contains { $0 != nil } }

    public func pricing(for offer: Offer?) -> Pricing? { pricing[offer] }
}

/// The catalogue the deliberation sets, in 2026 euros.
public enum ServiceCatalogue {
    /// The year the deliberation's amounts are worth; later years are revised by the Syntec index from it.
    public static let baseYear = 2026

    public static let toodego = SharedService(
        id: "toodego", name: "Toodego, guichet numérique métropolitain", annex: "Annexe 1",
        pricing: [.partenaire: .perInhabitant(fixed: 5_000, rate: Decimal(string: "0.20")!),
                  .abonne: .perInhabitant(fixed: 5_000, rate: Decimal(string: "0.20")!),
                  .connecte: .perInhabitant(fixed: 5_000, rate: Decimal(string: "0.02")!)],
        openOffers: [.partenaire, .connecte])

    public static let laclasse = SharedService(
        id: "laclasse", name: "laclasse.com, espace numérique de travail des écoles", annex: "Annexe 2",
        pricing: [nil: .perInhabitant(fixed: 300, rate: Decimal(string: "0.06")!)])

    public static let deliberation2025: [SharedService] = [toodego, laclasse]
}
