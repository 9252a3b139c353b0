import Foundation

/// The deliberation's cost rule (II-3°): for a paying service, the Métropole bears every investment cost, and the
/// communes contribute to the service's operating costs up to 50 %, the Métropole bearing the other half.
/// Operating costs are entered per service and year in the deliberation's categories.
public enum CostCategory: String, Sendable, CaseIterable {
    case hosting = "hebergement", maintenance, administration, support, governance = "gouvernance", usage = "usages"

    public var french: String {
        switch self {
        case .hosting: "Hébergement du service"
        case .maintenance: "Maintenance corrective et évolutive"
        case .administration: "Administration du système"
        case .support: "Support aux utilisateurs dans les communes"
        case .governance: "Dispositif de gouvernance"
        case .usage: "Coûts d'usage (SMS…)"
        }
    }
}

/// A service's operating costs for a year, by category.
public struct OperatingCosts: Sendable, Equatable {
    public var serviceID: String
    public var year: Int
    public var amounts: [CostCategory: Decimal]

    public init(serviceID: String, year: Int, amounts: [CostCategory: Decimal]) {
        self.serviceID = serviceID; self.year = year; self.amounts = amounts
    }

    public var total: Decimal { amounts.values.reduce(0, +) }
}

/// The communes' contributions to a service for a year set against half its operating costs.
public struct FiftyPercentCheck: Sendable, Equatable {
    static let communesShare = Decimal(string: "0.5")!

    public var costs: Decimal
    public var contributions: Decimal

    public init(costs: OperatingCosts, contributions: Decimal) { self.costs = costs.total; self.contributions = contributions }

    /// Half the operating costs, to the cent.
    public var half: Decimal { Money.cents(costs * Self.communesShare) }
    /// The communes' share of the costs (0.5 = exactly the rule); nil without costs.
    public var share: Decimal? { costs > 0 ? contributions / costs : nil }
    /// How far the contributions are from half the costs: positive above, negative below.
    public var gap: Decimal { contributions - half }
}
