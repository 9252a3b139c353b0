import Foundation
import Territory

/// A billing year's contributions for every commune with a convention, each explained, and what is missing to
/// compute them (a population, an index) said rather than guessed.
public enum ContributionsReport {
    public struct Line: Sendable, Equatable {
        public var insee: String
        public var commune: String
        public var contribution: Contribution
    }

    public struct Inputs: Sendable {
        public var conventions: [String: ConventionCadre]
        public var names: [String: String]
        /// By INSEE code, then census vintage.
        public var populations: [String: [Int: Int]]
        public var syntec: SyntecSeries
        /// By INSEE code, then service: the 2025 amount under an earlier convention.
        public var earlier: [String: [String: Decimal]]
        public var services: [SharedService]
        public var partialYear: PartialYearRule

        public init(conventions: [String: ConventionCadre], names: [String: String], populations: [String: [Int: Int]], syntec: SyntecSeries,
                    earlier: [String: [String: Decimal]], services: [SharedService] = ServiceCatalogue.deliberation2025,
                    partialYear: PartialYearRule = .daily) {
            self.conventions = conventions; self.names = names; self.populations = populations; self.syntec = syntec
            self.earlier = earlier; self.services = services; self.partialYear = partialYear
        }
    }

    /// The population in force on 31 December of `year - 1`: INSEE's vintage V is in force from 1 January V + 3,
    /// so the latest vintage up to `year - 4`.
    public static func population(for year: Int, in vintages: [Int: Int]) -> (count: Int, year: Int)? {
        vintages.filter { $0.key <= year - 4 }.max { $0.key < $1.key }.map { ($0.value, $0.key) }
    }

    /// One line per commune, service and offer billed in `year`. A service whose offer changed during the year has
    /// a line per offer, each for its share of the year; the transition runs over the service, whatever the offer.
    public static func lines(year: Int, _ inputs: Inputs) -> (lines: [Line], problems: [String]) {
        var lines: [Line] = [], problems: [String] = []
        for (insee, convention) in inputs.conventions.sortedFrench(by: { inputs.names[$0.key] ?? $0.key }) {
            let name = inputs.names[insee] ?? insee
            let vintages = inputs.populations[insee] ?? [:]
            for (serviceID, memberships) in Dictionary(grouping: convention.services, by: \.serviceID).sorted(by: { $0.key < $1.key }) {
                var billed = memberships.sorted { $0.start < $1.start }.map { m in
                    (m, inputs.partialYear.share(of: year, start: max(m.start, convention.start), end: convention.end(of: m)))
                }.filter { $0.1 > 0 }
                // Billed by whole years, a service is billed once a year, at the offer it ends the year with.
                if inputs.partialYear == .wholeYear, let last = billed.last { billed = [last] }
                guard !billed.isEmpty, let service = inputs.services.first(where: { $0.id == serviceID }) else { continue }
                guard population(for: year, in: vintages) != nil else {
                    problems.append("\(name) : population en vigueur au 31/12/\(year - 1) inconnue (millésime \(year - 4) ou antérieur)."); continue
                }
                // The offer a year's full amount is computed with, for the transition: the last one joined in it.
                func offer(in y: Int) -> Offer? {
                    memberships.filter { max($0.start, convention.start) <= String(format: "%04d-12-31", y) }.max { $0.start < $1.start }?.offer
                }
                do throws(ContributionCalculator.Problem) {
                    // From the first billing year, so a commune in transition climbs from its 2025 amount.
                    let firstStart = memberships.map { max($0.start, convention.start) }.min()!
                    let first = min(max(ServiceCatalogue.baseYear, Int(firstStart.prefix(4)) ?? year), year)
                    let earlier = try ContributionCalculator.path(from: first, through: year - 1, service: service, offerIn: offer,
                                                                  population: { y in population(for: y, in: vintages) ?? (0, 0) },
                                                                  syntec: inputs.syntec, earlierAmount: inputs.earlier[insee]?[serviceID])
                    let previous = earlier.last.map { $0.capApplied ? $0.amount : nil } ?? inputs.earlier[insee]?[serviceID]
                    let p = population(for: year, in: vintages)!
                    for (membership, share) in billed {
                        var c = try ContributionCalculator.contribution(year: year, service: service, offer: membership.offer, population: p.count,
                                                                        populationYear: p.year, syntec: inputs.syntec, previous: previous)
                        c.shareOfYear = share
                        c.amount = Money.cents(c.amount * share)
                        lines.append(Line(insee: insee, commune: name, contribution: c))
                    }
                } catch {
                    switch error {
                    case .noIndex(let y):
                        problems.append("Indice Syntec pour \(y) inconnu : importez les valeurs publiées avant le 1er janvier \(y).")
                    case .noPricing(let s, let o):
                        problems.append("\(name), \(s)\(o.map { " (\($0.french))" } ?? "") : aucun tarif pour \(year).")
                    }
                }
            }
        }
        return (lines, Array(Set(problems)).sorted())
    }

    /// One CSV line per commune and service, with every figure the amount comes from.
    public static func csv(_ lines: [Line]) -> String {
        let header = "code_insee,commune,service,offre,population,millesime,part_fixe,taux,part_variable,indice,indice_reference,facteur,cible,"
            + "montant_precedent,plafond,plafond_applique,part_annee,montant"
        func cell(_ s: String) -> String { s.contains(",") || s.contains("\"") ? "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : s }
        return ([header] + lines.map { l in
            let c = l.contribution
            return [l.insee, cell(l.commune), c.serviceID, c.offer?.rawValue ?? "", "\(c.population)", "\(c.populationYear)", Money.plain(c.fixed), "\(c.rate)",
                    "\(c.variablePart)", c.index.map { "\($0.value)" } ?? "", c.baseIndex.map { "\($0.value)" } ?? "", "\(c.factor)", Money.plain(c.target),
                    c.previous.map(Money.plain) ?? "", c.cap.map(Money.plain) ?? "", c.capApplied ? "oui" : "non", "\(c.shareOfYear)", Money.plain(c.amount)]
                .joined(separator: ",")
        }).joined(separator: "\n") + "\n"
    }
}
