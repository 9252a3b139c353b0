import Expressions
import Foundation

/// The coming years' contributions under stated assumptions: the Syntec index and the populations grow by
/// fixed yearly rates from the last values known. Conventions, services and transitions stay as they are.
public enum ContributionsForecast {
    public struct Year: Sendable, Equatable {
        public var year: Int
        public var total: Decimal
        public var byService: [String: Decimal]
        /// What this year's amounts rest on that was not entered: the Syntec index of the year before (not yet
        /// imported) and populations grown from the last vintage known. Empty: the year is computed from entered
        /// values only, so it equals the contributions report.
        public var assumptions: [String]
    }

    /// Totals for `years` years after `from` (included), with the index growing by `indexGrowth` and every
    /// population by `populationGrowth` each year (0.02 = 2 %), populations rounded to whole inhabitants.
    public static func years(from: Int, count: Int, _ inputs: ContributionsReport.Inputs,
                             indexGrowth: Decimal, populationGrowth: Decimal) -> [Year] {
        var extended = inputs
        // Only ratios of the index matter: with no value imported yet, a base of 100 for the base year.
        let last = inputs.syntec.values.max { ($0.year, $0.month) < ($1.year, $1.month) }
            ?? SyntecValue(year: ServiceCatalogue.baseYear - 1, month: 11, value: 100, published: "\(ServiceCatalogue.baseYear - 1)-12-20")
        if inputs.syntec.values.isEmpty { extended.syntec.values.append(last) }
        do {
            var value = last.value
            for year in (last.year + 1)..<(from + count) {
                value *= 1 + indexGrowth
                extended.syntec.values.append(SyntecValue(year: year, month: last.month, value: value, published: "\(year)-12-20"))
            }
        }
        for (insee, vintages) in inputs.populations {
            guard let (latest, count0) = vintages.max(by: { $0.key < $1.key }).map({ ($0.key, $0.value) }) else { continue }
            var population = Decimal(count0)
            for vintage in (latest + 1)..<max(latest + 1, from + count - 3) {
                population *= 1 + populationGrowth
                var exact = population, whole = Decimal()
                NSDecimalRound(&whole, &exact, 0, .plain)
                extended.populations[insee, default: [:]][vintage] = NSDecimalNumber(decimal: whole).intValue
            }
        }
        let enteredIndexYears = Set(inputs.syntec.values.map(\.year))
        let latestVintage = inputs.populations.values.compactMap { $0.keys.max() }.min()
        return (from..<(from + count)).map { year in
            let lines = ContributionsReport.lines(year: year, extended).lines
            var byService: [String: Decimal] = [:]
            for l in lines { byService[l.contribution.serviceID, default: 0] += l.contribution.amount }
            var assumptions: [String] = []
            if !enteredIndexYears.contains(year - 1) {
                assumptions.append("indice Syntec \(year - 1) supposé (+\(FrenchNumber.format(indexGrowth * 100)) % par an), pas encore saisi")
            }
            // The population billed in `year` is the vintage of four years before (`ContributionsReport.population`).
            if let latestVintage, year - 4 > latestVintage {
                assumptions.append("populations \(year - 4) supposées (\(FrenchNumber.format(populationGrowth * 100)) % par an)")
            }
            return Year(year: year, total: byService.values.reduce(0, +), byService: byService, assumptions: assumptions)
        }
    }
}
