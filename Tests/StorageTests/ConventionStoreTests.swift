import Conventions
import Foundation
import GuichetTestSupport
import Storage
import XCTest

/// The convention cadre's data in the database (SQLite here, PostgreSQL in CI): the demo's 43 conventions, imports
/// that replace what they cover, decimals kept exact, and the year's report from them.
final class ConventionStoreTests: XCTestCase {
    var guichet: TestGuichet!
    override func setUp() async throws { guichet = try await TestGuichet.make() }
    override func tearDown() async throws { try await guichet.shutdown() }

    func testTheDemoConventionsGiveThe2026CallsAndImportsChangeThem() async throws {
        let store = guichet.store
        var inputs = try await store.contributionInputs()
        XCTAssertEqual(inputs.conventions.count, 43, "the deliberation's signatories")
        XCTAssertEqual(inputs.conventions["69034"]?.services.map(\.serviceID), ["laclasse", "toodego"])
        var report = ContributionsReport.lines(year: 2026, inputs)
        XCTAssertEqual(report.lines.count, 56, "14 Toodego offers and 42 laclasse.com subscriptions")
        XCTAssertEqual(report.lines.reduce(Decimal(0)) { $0 + $1.contribution.amount }, Decimal(string: "333373.24"))

        try await store.importEarlierAmounts([.init(insee: "69034", serviceID: "toodego", amount: Decimal(string: "10000.50")!)])
        try await store.importSyntec([SyntecValue(year: 2025, month: 11, value: Decimal(string: "315.8")!, published: "2025-12-19"),
                                      SyntecValue(year: 2026, month: 11, value: Decimal(string: "322.116")!, published: "2026-12-18")])
        try await store.importPopulations([.init(insee: "69034", vintage: 2023, population: 44_000)])
        inputs = try await store.contributionInputs()
        XCTAssertEqual(inputs.earlier["69034"]?["toodego"], Decimal(string: "10000.50"), "amounts stay exact")
        XCTAssertEqual(inputs.populations["69034"]?[2021], 43_573, "importing a vintage leaves the others")
        report = ContributionsReport.lines(year: 2027, inputs)
        XCTAssertEqual(report.problems, [])
        let caluire = try XCTUnwrap(report.lines.first { $0.insee == "69034" && $0.contribution.serviceID == "toodego" }).contribution
        XCTAssertEqual(caluire.factor, Decimal(string: "1.02"))
        XCTAssertEqual(caluire.populationYear, 2023)
        XCTAssertEqual(caluire.previous, Decimal(string: "11000.55"), "2026: 10 000,50 capped at +10 %")
        XCTAssertEqual(caluire.amount, Decimal(string: "11550.58"), "2027: 11 000,55 × 1,05 = 11 550,5775 → 11 550,58")
        XCTAssertTrue(caluire.capApplied)
    }
}
