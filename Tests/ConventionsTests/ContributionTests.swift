import Conventions
import Foundation
import PropertyBased
import Testing

/// Contributions as deliberation CP-2025-4074 sets them: fixed part + rate × population, revised by the Syntec
/// index, the transition capped at +10 % then +5 %, each amount rounded to the cent, half up.
@Suite struct ContributionTests {
    static func d(_ s: String) -> Decimal { Decimal(string: s)! }
    /// S(2026) = 300 (December 2025, published in January… no: published 2025-12-05), then +2 % a year.
    static let syntec = SyntecSeries([
        SyntecValue(year: 2025, month: 10, value: 295, published: "2025-11-30"),
        SyntecValue(year: 2025, month: 11, value: 300, published: "2025-12-20"),
        SyntecValue(year: 2025, month: 12, value: 301, published: "2026-01-25"),
        SyntecValue(year: 2026, month: 11, value: 306, published: "2026-12-18"),
        SyntecValue(year: 2027, month: 11, value: d("312.12"), published: "2027-12-17"),
    ])

    @Test func caluireEtCuirePaysTheDeliberationsAmountsIn2026() throws {
        let toodego = try ContributionCalculator.contribution(year: 2026, service: ServiceCatalogue.toodego, offer: .partenaire, population: 43_573,
                                                              populationYear: 2022, syntec: Self.syntec, previous: nil)
        #expect(toodego.amount == Self.d("13714.60"))
        #expect(toodego.variablePart == Self.d("8714.60"))
        #expect(toodego.factor == 1 && toodego.capApplied == false)
        let laclasse = try ContributionCalculator.contribution(year: 2026, service: ServiceCatalogue.laclasse, offer: nil, population: 43_573,
                                                               populationYear: 2022, syntec: Self.syntec, previous: nil)
        #expect(laclasse.amount == Self.d("2914.38"))
        let connecte = try ContributionCalculator.contribution(year: 2026, service: ServiceCatalogue.toodego, offer: .connecte, population: 43_573,
                                                               populationYear: 2022, syntec: Self.syntec, previous: nil)
        #expect(connecte.amount == Self.d("5871.46"))
        #expect(throws: ContributionCalculator.Problem.noPricing(service: "laclasse", offer: .partenaire)) {
            try ContributionCalculator.contribution(year: 2026, service: ServiceCatalogue.laclasse, offer: .partenaire, population: 1,
                                                    populationYear: 2022, syntec: Self.syntec, previous: nil)
        }
    }

    @Test func theIndexIsTheLastValuePublishedBeforeTheFirstOfJanuary() {
        #expect(Self.syntec.index(forBillingYear: 2026)?.value == 300, "December's value, published in January, is not yet known")
        #expect(Self.syntec.index(forBillingYear: 2027)?.value == 306)
        #expect(Self.syntec.factor(forBillingYear: 2027)?.factor == Self.d("1.02"))
        #expect(Self.syntec.factor(forBillingYear: 2030) == nil, "no value of 2029 entered: no index for 2030, rather than 2027's")
        #expect(SyntecSeries([]).factor(forBillingYear: 2027) == nil)
    }

    @Test func amountsAreRoundedToTheCentHalfUp() {
        #expect(Money.cents(Self.d("2.675")) == Self.d("2.68"), "a binary float would give 2.67")
        #expect(Money.cents(Self.d("1.005")) == Self.d("1.01"))
        #expect(Money.cents(Self.d("1.0049999")) == Self.d("1"))
        #expect(Money.french(Self.d("13714.6")) == "13\u{202F}714,60\u{00A0}€")
    }

    /// 2025: 10 000 € under the earlier convention; target 13 714,60 € with a flat index and population.
    @Test func theTransitionClimbsByTheCapYearByYearUntilTheTarget() throws {
        let flat = SyntecSeries((2025...2032).map { SyntecValue(year: $0, month: 11, value: 300, published: "\($0)-12-20") })
        let path = try ContributionCalculator.path(from: 2026, through: 2033, service: ServiceCatalogue.toodego, offer: .partenaire,
                                                   population: { _ in (43_573, 2022) }, syntec: flat, earlierAmount: 10_000)
        #expect(path.map(\.amount) == ["11000", "11550", "12127.5", "12733.88", "13370.57", "13714.6", "13714.6", "13714.6"].map(Self.d))
        #expect(path.map(\.capApplied) == [true, true, true, true, true, false, false, false])
        #expect(path[0].cap == 11_000 && path[3].previous == Self.d("12127.5"))
        let above = try ContributionCalculator.contribution(year: 2026, service: ServiceCatalogue.toodego, offer: .partenaire, population: 43_573,
                                                            populationYear: 2022, syntec: flat, previous: 20_000)
        #expect(above.amount == Self.d("13714.60") && !above.capApplied, "above the target: the target")
    }

    @Test func laterYearsAreRevisedByTheIndex() throws {
        let c = try ContributionCalculator.contribution(year: 2028, service: ServiceCatalogue.laclasse, offer: nil, population: 43_573,
                                                        populationYear: 2024, syntec: Self.syntec, previous: nil)
        #expect(c.factor == Self.d("1.0404"))
        #expect(c.exactTarget == Self.d("2914.38") * Self.d("1.0404"))
        #expect(c.amount == Self.d("3032.12"), "2 914,38 × 1,0404 = 3 032,121… → 3 032,12")
    }

    // MARK: - Properties

    /// Random earlier amounts (500 € to 60 000 €), populations (100 to 200 000) and index growth (0 to 2 % a year):
    /// a capped amount never exceeds its cap; the transition ends (the cap outgrows the index, so it always does,
    /// within 175 years for the worst case drawn here); amounts never fall while index and population do not.
    @Test func aCappedAmountNeverExceedsItsCapAndTheTransitionEnds() async {
        await propertyCheck(count: 100, input: Gen.int(in: 500...60_000), Gen.int(in: 100...200_000), Gen.int(in: 0...20)) { earlier, population, growth in
            let values = (0...175).map { k in
                SyntecValue(year: 2025 + k, month: 11, value: Money.cents(300 * pow(1 + Decimal(growth) / 1000, k)), published: "\(2025 + k)-12-20")
            }
            let path = try! ContributionCalculator.path(from: 2026, through: 2200, service: ServiceCatalogue.toodego, offer: .partenaire,
                                                        population: { _ in (population, 2022) }, syntec: SyntecSeries(values),
                                                        earlierAmount: Decimal(earlier))
            for c in path { if let cap = c.cap, c.capApplied { #expect(c.amount <= cap) } }
            #expect(path.last?.capApplied == false, "the transition reaches the target")
            #expect(zip(path, path.dropFirst()).allSatisfy { $0.amount <= $1.amount }, "with index and population not falling, amounts never fall")
        }
    }
}
