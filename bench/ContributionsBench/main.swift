import Conventions
import Foundation

// The contributions benchmark (issue 4): a full billing year for the 58 communes, each with Toodego and
// laclasse.com, in transition from an earlier amount, then the following five years (the forecast).
// Target: under 50 ms. Prints RESULT lines like the other benches.
func measure(_ label: String, iterations: Int, _ body: () throws -> Void) rethrows {
    for _ in 0..<max(1, iterations / 10) { try body() }
    var samples: [Double] = []
    for _ in 0..<iterations {
        let start = DispatchTime.now().uptimeNanoseconds
        try body()
        samples.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1_000_000)
    }
    samples.sort()
    let mean = samples.reduce(0, +) / Double(samples.count)
    print("RESULT \(label) iterations=\(iterations) mean_ms=\(String(format: "%.3f", mean)) p50_ms=\(String(format: "%.3f", samples[samples.count / 2])) p99_ms=\(String(format: "%.3f", samples[samples.count * 99 / 100]))")
}

let syntec = SyntecSeries((0...8).map { k in SyntecValue(year: 2025 + k, month: 11, value: 300 + Decimal(k) * Decimal(string: "6.3")!, published: "\(2025 + k)-12-20") })
let communes = (0..<58).map { i in (population: 1_000 + i * 9_173, earlier: Decimal(2_000 + i * 311)) }
try measure("contributions_58_communes_2026_to_2031", iterations: 200) {
    for commune in communes {
        for (service, offer) in [(ServiceCatalogue.toodego, Offer?.some(.partenaire)), (ServiceCatalogue.laclasse, nil)] {
            _ = try ContributionCalculator.path(from: 2026, through: 2031, service: service, offer: offer,
                                                population: { _ in (commune.population, 2022) }, syntec: syntec, earlierAmount: commune.earlier)
        }
    }
}

// The what-if (issue 4): Toodego partenaire's rate changed from 2027, compared for 2031 — both years' reports for the 58 communes,
// each climbing its transition from 2026 — as the back-office does before anything is saved. Target: under
// 100 ms, so the simulation answers as fast as a page.
var conventions: [String: ConventionCadre] = [:], names: [String: String] = [:], populations: [String: [Int: Int]] = [:]
var earlier: [String: [String: Decimal]] = [:]
for (i, commune) in communes.enumerated() {
    let insee = String(format: "69%03d", i + 1)
    conventions[insee] = ConventionCadre(commune: insee, signed: "2025-12-15", start: "2026-01-01", services: [
        .init(serviceID: "toodego", offer: .partenaire, start: "2026-01-01"), .init(serviceID: "laclasse", offer: nil, start: "2026-01-01")])
    names[insee] = "Commune \(i + 1)"
    populations[insee] = [2021: commune.population]
    // Half the communes in transition (their capped amounts do not move with the rate), half paying the target.
    if i % 2 == 0 { earlier[insee] = ["toodego": commune.earlier, "laclasse": commune.earlier / 4] }
}
let inputs = ContributionsReport.Inputs(conventions: conventions, names: names, populations: populations, syntec: syntec, earlier: earlier)
let rate = ConventionChange.setPricing(serviceID: "toodego", offer: .partenaire, fromYear: 2027, pricing: .perInhabitant(fixed: 5_000, rate: Decimal(string: "0.22")!))
try measure("whatif_rate_change_58_communes_2031", iterations: 100) {
    let comparison = ContributionsComparison(year: 2031, before: inputs, after: try inputs.applying(rate))
    precondition(comparison.rows.count == 29 && comparison.problems.isEmpty, "the rate moves the 29 communes paying their target")
}
