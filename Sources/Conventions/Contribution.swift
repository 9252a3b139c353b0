import Foundation

/// One commune's contribution to one service for one billing year, with everything it was computed from, so
/// that the amount explains itself (on the call for contributions, in the CSV, on the commune's page).
public struct Contribution: Sendable, Equatable {
    public var year: Int
    public var serviceID: String
    public var offer: Offer?
    /// Population municipale in force on 31 December of the year before, and its vintage.
    public var population: Int
    public var populationYear: Int
    public var fixed: Decimal
    public var rate: Decimal
    /// rate × population, exact.
    public var variablePart: Decimal
    /// S(N), S(base) and their ratio; factor 1 for the base year.
    public var index: SyntecValue?
    var baseIndex: SyntecValue?
    public var factor: Decimal
    /// (fixed + variable) × factor, exact, then rounded.
    public var exactTarget: Decimal
    public var target: Decimal
    /// The amount the commune paid the year before (2025: under its earlier convention), when in transition.
    public var previous: Decimal?
    /// previous × (1 + cap rate), when in transition.
    public var cap: Decimal?
    public var capApplied: Bool
    /// Share of the year covered (1 for a full year), and the final amount, rounded to the cent.
    public var shareOfYear: Decimal
    public var amount: Decimal
    /// A derogatory annex's rule, stated as it is.
    public var derogation: String?
}

extension Contribution {
    /// How the amount was reached, in one French sentence: on the pages, the call for contributions, the CSV's
    /// readers' side.
    public var french: String {
        var parts: [String] = []
        if let rule = derogation { parts.append("Règle dérogatoire : \(rule)") }
        else {
            parts.append("\(Money.french(fixed)) + \(Money.frenchRate(rate)) × \(Money.number(Decimal(population))) habitants (population municipale, millésime \(populationYear))")
        }
        if let index, let baseIndex {
            parts.append("× indice Syntec \(index.value) (\(String(format: "%02d", index.month))/\(index.year)) / \(baseIndex.value) (\(String(format: "%02d", baseIndex.month))/\(baseIndex.year))")
        }
        parts.append("= cible \(Money.french(target))")
        if let previous, let cap {
            parts.append(capApplied ? "plafonnée à \(Money.french(cap)) (montant précédent \(Money.french(previous)) + \(Money.number(TransitionRule.deliberation.capRate(for: year) * 100)) %)"
                                    : "sous le plafond de \(Money.french(cap))")
        }
        if shareOfYear != 1 { parts.append("× part de l'année couverte \(Money.number(Money.cents(shareOfYear * 100), decimals: 2)) %") }
        return parts.joined(separator: " ")
    }
}

/// The deliberation's transition (II-4°): a commune that already paid for the service pays, in 2026, the target
/// capped at +10 % over its 2025 amount, then each year the target capped at +5 % over the year before, until it
/// reaches the target; one whose earlier amount was above the target pays the target.
public struct TransitionRule: Sendable, Equatable {
    var firstYear: Int
    var firstCap: Decimal
    var laterCap: Decimal
    public static let deliberation = TransitionRule(firstYear: 2026, firstCap: Decimal(string: "0.10")!, laterCap: Decimal(string: "0.05")!)

    func capRate(for year: Int) -> Decimal { year <= firstYear ? firstCap : laterCap }
}

public enum ContributionCalculator {
    public enum Problem: Error, Equatable, Sendable {
        case noPricing(service: String, offer: Offer?)
        case noIndex(year: Int)
    }

    /// The contribution for `year`.
    /// - Parameters:
    ///   - previous: the amount paid the year before, for a commune in transition (for 2026: its 2025 amount under
    ///     an earlier convention); nil for a commune that joins without one, which pays the target.
    ///   - shareOfYear: the part of the year covered (see `PartialYearRule`), applied to the final amount.
    public static func contribution(year: Int, service: SharedService, offer: Offer?, population: Int, populationYear: Int,
                                    syntec: SyntecSeries, previous: Decimal?, shareOfYear: Decimal = 1,
                                    transition: TransitionRule = .deliberation) throws(Problem) -> Contribution {
        guard let pricing = service.pricing(for: offer, year: year) else { throw .noPricing(service: service.id, offer: offer) }
        var (fixed, rate, derogation): (Decimal, Decimal, String?) = (0, 0, nil)
        switch pricing {
        case .free: break
        case .perInhabitant(let f, let r): (fixed, rate) = (f, r)
        case .derogatory(let amount, let rule): (fixed, derogation) = (amount, rule)
        }
        var index: SyntecValue?, baseIndex: SyntecValue?, factor: Decimal = 1
        if year != ServiceCatalogue.baseYear {
            guard let f = syntec.factor(forBillingYear: year) else { throw .noIndex(year: year) }
            (index, baseIndex, factor) = (f.index, f.baseIndex, f.factor)
        }
        let variable = rate * Decimal(population)
        let exactTarget = (fixed + variable) * factor
        let target = Money.cents(exactTarget)
        var amount = target
        var cap: Decimal?
        var capApplied = false
        if let previous, year >= transition.firstYear, previous < target {
            let limit = Money.cents(previous * (1 + transition.capRate(for: year)))
            cap = limit
            if limit < target { amount = limit; capApplied = true }
        }
        return Contribution(year: year, serviceID: service.id, offer: offer, population: population, populationYear: populationYear,
                            fixed: fixed, rate: rate, variablePart: variable, index: index, baseIndex: baseIndex, factor: factor,
                            exactTarget: exactTarget, target: target, previous: previous, cap: cap, capApplied: capApplied,
                            shareOfYear: shareOfYear, amount: Money.cents(amount * shareOfYear), derogation: derogation)
    }

    /// Year after year from `from`: each year's full-year amount is the next year's « previous », so a commune in
    /// transition climbs by the cap until it reaches the target and then follows it.
    public static func path(from: Int, through: Int, service: SharedService, offer: Offer?, population: (Int) -> (count: Int, year: Int),
                            syntec: SyntecSeries, earlierAmount: Decimal?) throws(Problem) -> [Contribution] {
        try path(from: from, through: through, service: service, offerIn: { _ in offer }, population: population, syntec: syntec,
                 earlierAmount: earlierAmount)
    }

    /// The same with the offer of each year, for a commune that changed offer on the way: the transition is the
    /// service's, whatever the offer.
    public static func path(from: Int, through: Int, service: SharedService, offerIn: (Int) -> Offer?, population: (Int) -> (count: Int, year: Int),
                            syntec: SyntecSeries, earlierAmount: Decimal?) throws(Problem) -> [Contribution] {
        var previous = earlierAmount
        var result: [Contribution] = []
        for year in from...max(from, through) where year <= through {
            let p = population(year)
            let c = try contribution(year: year, service: service, offer: offerIn(year), population: p.count, populationYear: p.year,
                                     syntec: syntec, previous: previous)
            result.append(c)
            // Once the target is reached, the transition is over: later years pay the target.
            previous = c.capApplied ? c.amount : nil
        }
        return result
    }
}
