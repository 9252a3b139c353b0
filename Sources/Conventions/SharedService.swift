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

/// A pricing in force from a billing year: an avenant that changes a rate applies from a year, and the years
/// before keep the pricing they were billed with. Amounts are in base-year euros, revised by the Syntec index
/// like the deliberation's.
public struct PricingEntry: Sendable, Equatable {
    public var offer: Offer?
    public var fromYear: Int
    public var pricing: Pricing
    public init(offer: Offer?, fromYear: Int, pricing: Pricing) { self.offer = offer; self.fromYear = fromYear; self.pricing = pricing }
}

/// A service of the convention cadre's catalogue, with its annex and its pricing per offer (a service without
/// offer levels has one pricing, under `nil`), each from a billing year.
public struct SharedService: Sendable, Equatable, Identifiable {
    public var id: String
    public var name: String
    public var annex: String
    public var schedule: [PricingEntry]
    /// Offers that can be joined now (*abonné* only once its catalogue exists).
    public var openOffers: Set<Offer>

    public init(id: String, name: String, annex: String, schedule: [PricingEntry], openOffers: Set<Offer> = []) {
        self.id = id; self.name = name; self.annex = annex; self.schedule = schedule; self.openOffers = openOffers
    }

    /// A service whose pricing per offer holds from the base year.
    public init(id: String, name: String, annex: String, pricing: [Offer?: Pricing], openOffers: Set<Offer> = []) {
        self.init(id: id, name: name, annex: annex,
                  schedule: pricing.map { PricingEntry(offer: $0.key, fromYear: ServiceCatalogue.baseYear, pricing: $0.value) }
                      .sorted { ($0.offer?.rawValue ?? "") < ($1.offer?.rawValue ?? "") },
                  openOffers: openOffers)
    }

    /// The offers priced, in the deliberation's order (nil alone for a service without offer levels).
    public var offers: [Offer?] {
        let priced = Set(schedule.map(\.offer))
        return priced.contains(nil) ? [nil] : Offer.allCases.filter { priced.contains($0) }
    }

    public var hasOffers: Bool { schedule.contains { $0.offer != nil } }

    /// Whether `offer` can be joined now: a service without offer levels takes none.
    func isOpen(_ offer: Offer?) -> Bool { offer.map(openOffers.contains) ?? !hasOffers }

    /// The pricing billed for `year`: the latest entry of the offer from a year up to it.
    public func pricing(for offer: Offer?, year: Int) -> Pricing? {
        schedule.filter { $0.offer == offer && $0.fromYear <= year }.max { $0.fromYear < $1.fromYear }?.pricing
    }
}

/// The catalogue the deliberation sets, in 2026 euros.
public enum ServiceCatalogue {
    /// The year the deliberation's amounts are worth; later years are revised by the Syntec index from it.
    public static let baseYear = 2026
    /// The years a contribution can be billed for.
    public static let billingYears = baseYear...2100

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

extension Array where Element == SharedService {
    /// A service's name for people; its identifier when it is not in the catalogue.
    public func name(of id: String) -> String { first { $0.id == id }?.name ?? id }
}
