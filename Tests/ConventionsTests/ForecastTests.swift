import Conventions
import Foundation
import Testing

/// The forecast follows its assumptions: flat index and populations keep the amounts; growth raises them.
@Suite struct ForecastTests {
    let inputs = ContributionsReport.Inputs(
        conventions: ["69034": ConventionCadre(commune: "69034", signed: "2025-06-23", start: "2026-01-01", services: [
            .init(serviceID: "toodego", offer: .partenaire, start: "2026-01-01"), .init(serviceID: "laclasse", offer: nil, start: "2026-01-01")])],
        names: ["69034": "Caluire-et-Cuire"], populations: ["69034": [2021: 43_573]],
        syntec: SyntecSeries([SyntecValue(year: 2025, month: 11, value: 300, published: "2025-12-20")]), earlier: [:])

    @Test func flatAssumptionsKeepTheAmounts() {
        let years = ContributionsForecast.years(from: 2026, count: 6, inputs, indexGrowth: 0, populationGrowth: 0)
        #expect(years.map(\.year) == Array(2026...2031))
        #expect(years.allSatisfy { $0.total == Decimal(string: "16628.98") }, "\(years.map(\.total))")
    }

    @Test func growthRaisesThemByTheIndexAndThePopulation() {
        let years = ContributionsForecast.years(from: 2026, count: 3, inputs, indexGrowth: Decimal(string: "0.02")!, populationGrowth: 0)
        #expect(years[1].byService["laclasse"] == Decimal(string: "2972.67"), "2 914,38 × 1,02 = 2 972,667… → 2 972,67")
        let people = ContributionsForecast.years(from: 2026, count: 3, inputs, indexGrowth: 0, populationGrowth: Decimal(string: "0.01")!)
        // Vintage 2022 (in force for 2026) is 43 573 × 1,01 = 44 008,73 → 44 009 inhabitants.
        #expect(people[0].byService["laclasse"] == Decimal(string: "2940.54"), "300 + 0,06 × 44 009")
        #expect(zip(people, people.dropFirst()).allSatisfy { $0.total < $1.total })
    }

    @Test func withoutAnyIndexImportedTheForecastStillRuns() {
        var bare = inputs
        bare.syntec = SyntecSeries([])
        let years = ContributionsForecast.years(from: 2026, count: 3, bare, indexGrowth: Decimal(string: "0.02")!, populationGrowth: 0)
        #expect(years[2].byService["laclasse"] == Decimal(string: "3032.12"), "2 914,38 × 1,02² = 3 032,121… → 3 032,12")
    }
}
