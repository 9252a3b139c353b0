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
        let platform = try await store.platformScope()
        var inputs = try await store.contributionInputs()
        XCTAssertEqual(inputs.conventions.count, 43, "the deliberation's signatories")
        XCTAssertEqual(inputs.conventions["69034"]?.services.map(\.serviceID), ["laclasse", "toodego"])
        var report = ContributionsReport.lines(year: 2026, inputs)
        XCTAssertEqual(report.lines.count, 56, "14 Toodego offers and 42 laclasse.com subscriptions")
        XCTAssertEqual(report.lines.reduce(Decimal(0)) { $0 + $1.contribution.amount }, Decimal(string: "333373.24"))

        try await store.importEarlierAmounts([.init(insee: "69034", serviceID: "toodego", amount: Decimal(string: "10000.50")!)], in: platform)
        try await store.importSyntec([SyntecValue(year: 2025, month: 11, value: Decimal(string: "315.8")!, published: "2025-12-19"),
                                      SyntecValue(year: 2026, month: 11, value: Decimal(string: "322.116")!, published: "2026-12-18")], in: platform)
        try await store.importPopulations([.init(insee: "69034", vintage: 2023, population: 44_000)], in: platform)
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

    func testChangesAreStoredAsComparedAndARefusedOneChangesNothing() async throws {
        let store = guichet.store
        let platform = try await store.platformScope()
        let catalogue = try await store.sharedServices()
        XCTAssertEqual(catalogue, ServiceCatalogue.deliberation2025, "every instance starts from the deliberation's catalogue")

        let rate = ConventionChange.setPricing(serviceID: "laclasse", offer: nil, fromYear: 2027, pricing: .perInhabitant(fixed: 300, rate: Decimal(string: "0.075")!))
        let (before, after) = try await store.apply(rate, by: "test", in: platform)
        let stored = try await store.contributionInputs()
        XCTAssertEqual(stored.services, after.services, "what was compared is what is stored, decimals exact")
        XCTAssertNotEqual(stored.services, before.services)
        XCTAssertEqual(stored.services.first { $0.id == "laclasse" }?.pricing(for: nil, year: 2026), .perInhabitant(fixed: 300, rate: Decimal(string: "0.06")!))

        try await store.apply(.changeOffer(insee: "69034", serviceID: "toodego", offer: .connecte, from: "2026-07-01"), by: "test", in: platform)
        try await store.apply(.stop(insee: "69034", serviceID: "laclasse", on: "2027-01-01"), by: "test", in: platform)
        let caluire = try await store.contributionInputs().conventions["69034"]
        XCTAssertEqual(caluire?.services.map { "\($0.serviceID) \($0.offer?.rawValue ?? "-") \($0.start) \($0.end ?? "-")" },
                       ["laclasse - 2026-01-01 2027-01-01", "toodego partenaire 2026-01-01 2026-07-01", "toodego connecte 2026-07-01 -"])

        let avenant = SharedService(id: "sig", name: "SIG métropolitain", annex: "Annexe 3",
                                    schedule: [PricingEntry(offer: nil, fromYear: 2027, pricing: .derogatory(amount: 1_200, rule: "forfait"))])
        try await store.apply(.addService(avenant), by: "test", in: platform)
        try await store.saveOperatingCosts(OperatingCosts(serviceID: "toodego", year: 2026, amounts: [.hosting: Decimal(string: "1000.10")!, .usage: 20]), in: platform)
        try await store.apply(.openOffer(serviceID: "toodego", offer: .abonne), by: "test", in: platform)
        let services = try await store.sharedServices()
        XCTAssertEqual(services.map(\.id), ["toodego", "laclasse", "sig"])
        XCTAssertEqual(services.last, avenant)
        XCTAssertEqual(services.first?.openOffers, [.partenaire, .connecte, .abonne])
        let costs = try await store.operatingCosts(year: 2026)
        XCTAssertEqual(costs["toodego"]?.total, Decimal(string: "1020.10"), "opening an offer keeps the service's costs")

        let unchanged = try await store.contributionInputs()
        do {
            try await store.apply(.join(insee: "69034", serviceID: "laclasse", offer: nil, from: "2026-06-01"), by: "test", in: platform)
            XCTFail("joined a service already joined")
        } catch let refused as ChangeRefused { XCTAssertEqual(refused.field, "service") }
        let afterRefusal = try await store.contributionInputs()
        XCTAssertEqual(afterRefusal.conventions, unchanged.conventions)

        try await store.apply(.setEarlierAmount(insee: "69034", serviceID: "toodego", amount: Decimal(string: "9000.456")!), by: "Morgane <m@x.fr>", in: platform)
        let earlier = try await store.contributionInputs().earlier["69034"]?["toodego"]
        XCTAssertEqual(earlier, Decimal(string: "9000.46"), "to the cent")
        try await store.apply(.setEarlierAmount(insee: "69034", serviceID: "toodego", amount: nil), by: "Morgane <m@x.fr>", in: platform)
        let none = try await store.contributionInputs().earlier["69034"]
        XCTAssertNil(none)

        let metropole = try await XCTUnwrapAsync(try await guichet.agentScope("admin@metropole.demo.fr", "metropole"))
        let journal = try await store.conventionJournal(insee: "69034", in: metropole)
        XCTAssertEqual(journal.map(\.author), ["Morgane <m@x.fr>", "Morgane <m@x.fr>", "test", "test"], "latest first; the refused change is not there")
        XCTAssertEqual(journal.last?.description, "Caluire-et-Cuire passe à l'offre connecté de Toodego, guichet numérique métropolitain le 01/07/2026.")
        let catalogueJournal = try await store.conventionJournal(insee: nil, in: metropole)
        XCTAssertEqual(catalogueJournal.count, 3, "the rate, the avenant, the offer opened")
        let bron = try await XCTUnwrapAsync(try await guichet.agentScope("agent@bron.demo.fr", "bron"))
        let asked = try await store.conventionJournal(insee: "69034", in: bron)
        XCTAssertEqual(asked, [], "a commune's agent asking for another commune's history gets its own (empty)")
    }

    func testOnlyThoseWhoRunThePlatformChangeTheCadre() async throws {
        let store = guichet.store
        let communeAdmin = try await XCTUnwrapAsync(try await guichet.agentScope("admin@caluire-et-cuire.demo.fr", "caluire-et-cuire"))
        let before = try await store.contributionInputs()
        let change = ConventionChange.setEarlierAmount(insee: "69034", serviceID: "toodego", amount: 1)
        for attempt in [{ try await store.apply(change, by: "x", in: communeAdmin) } as () async throws -> Any,
                        { try await store.importSyntec([SyntecValue(year: 2026, month: 1, value: 1, published: "2026-02-01")], in: communeAdmin) },
                        { try await store.saveOperatingCosts(OperatingCosts(serviceID: "toodego", year: 2026, amounts: [.usage: 1]), in: communeAdmin) },
                        { try await store.importConventionFile(.populations, text: "code_insee,millesime,population\n69034,2030,1\n", author: "x", in: communeAdmin) }] {
            do { _ = try await attempt(); XCTFail("a commune's admin changed the cadre") } catch StoreError.forbidden {}
        }
        let after = try await store.contributionInputs()
        XCTAssertEqual(after.earlier, before.earlier)
        XCTAssertEqual(after.syntec, before.syntec)
        XCTAssertEqual(after.populations, before.populations)
        let metropole = try await XCTUnwrapAsync(try await guichet.agentScope("admin@metropole.demo.fr", "metropole"))
        try await store.apply(change, by: "Morgane", in: metropole)
        let changed = try await store.contributionInputs().earlier["69034"]?["toodego"]
        XCTAssertEqual(changed, 1, "the Métropole's admin does")
    }

    /// Two admins changing one convention at the same instant: both changes are kept (PostgreSQL in CI runs the
    /// transactions truly at once; each locks the convention before reading it).
    func testTwoChangesOfOneConventionAtOnceAreBothKept() async throws {
        let store = guichet.store
        let platform = try await store.platformScope()
        let communes = try await store.contributionInputs().conventions.filter { c in
            c.value.services.contains { $0.serviceID == "laclasse" } && c.value.services.contains { $0.serviceID == "toodego" && $0.offer == .partenaire }
        }.keys.sorted().prefix(5)
        XCTAssertEqual(communes.count, 5)
        for insee in communes {
            async let stop = store.apply(.stop(insee: insee, serviceID: "laclasse", on: "2027-01-01"), by: "test", in: platform)
            async let offer = store.apply(.changeOffer(insee: insee, serviceID: "toodego", offer: .connecte, from: "2027-01-01"), by: "test", in: platform)
            _ = try await (stop, offer)
        }
        let after = try await store.contributionInputs().conventions
        for insee in communes {
            XCTAssertEqual(after[insee]?.services.last { $0.serviceID == "toodego" }?.offer, .connecte, insee)
            XCTAssertEqual(after[insee]?.services.first { $0.serviceID == "laclasse" }?.end, "2027-01-01", insee)
        }
    }
}
