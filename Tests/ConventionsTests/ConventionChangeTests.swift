import Conventions
import Foundation
import Testing

/// Changes to the catalogue and to conventions, checked before they apply; the what-if comparison; rates
/// changed from a year on; offers changed mid-year; the 50 % rule.
@Suite struct ConventionChangeTests {
    static func d(_ s: String) -> Decimal { Decimal(string: s)! }
    /// Flat index from 2025, so amounts only move with what the change moves.
    static let flat = SyntecSeries((2025...2031).map { SyntecValue(year: $0, month: 11, value: 300, published: "\($0)-12-20") })

    static func inputs(earlier: Decimal? = nil) -> ContributionsReport.Inputs {
        let caluire = ConventionCadre(commune: "69034", signed: "2025-06-23", start: "2026-01-01", services: [
            .init(serviceID: "toodego", offer: .partenaire, start: "2026-01-01"),
            .init(serviceID: "laclasse", offer: nil, start: "2026-01-01"),
        ])
        return ContributionsReport.Inputs(conventions: ["69034": caluire], names: ["69034": "Caluire-et-Cuire", "69029": "Bron"],
                                          populations: ["69034": [2021: 43_573], "69029": [2021: 42_000]], syntec: flat,
                                          earlier: earlier.map { ["69034": ["toodego": $0]] } ?? [:])
    }

    @Test func aRateChangedFromAYearLeavesTheYearsBeforeAsTheyWere() throws {
        let before = Self.inputs()
        let after = try before.applying(.setPricing(serviceID: "laclasse", offer: nil, fromYear: 2027,
                                                    pricing: .perInhabitant(fixed: 300, rate: Self.d("0.08"))))
        #expect(ContributionsComparison(year: 2026, before: before, after: after).rows.isEmpty, "2026 keeps its rate")
        let compared = ContributionsComparison(year: 2027, before: before, after: after)
        #expect(compared.rows.count == 1)
        let row = try #require(compared.rows.first)
        #expect(row.serviceID == "laclasse" && row.before == Self.d("2914.38") && row.after == Self.d("3785.84"))
        #expect(row.difference == Self.d("871.46"), "0,02 € × 43 573")
        #expect(compared.totalDifference == row.difference)
        #expect(after.services.first { $0.id == "laclasse" }?.pricing(for: nil, year: 2026) == .perInhabitant(fixed: 300, rate: Self.d("0.06")))
    }

    @Test func aChangeThatMakesNoSenseIsRefusedWithItsField() {
        let inputs = Self.inputs()
        #expect(throws: ChangeRefused(field: "taux", "Le taux par habitant est un montant positif ou nul.")) {
            try inputs.applying(.setPricing(serviceID: "laclasse", offer: nil, fromYear: 2027, pricing: .perInhabitant(fixed: 300, rate: -1)))
        }
        #expect(throws: ChangeRefused(field: "service", "Ce service n'a pas cette offre.")) {
            try inputs.applying(.setPricing(serviceID: "laclasse", offer: .connecte, fromYear: 2027, pricing: .free))
        }
        #expect(throws: ChangeRefused(field: "a_partir_de", "Année attendue entre 2026 et 2100.")) {
            try inputs.applying(.setPricing(serviceID: "toodego", offer: .connecte, fromYear: 2025, pricing: .free))
        }
        #expect(throws: ChangeRefused(field: "offre", "L'offre abonné n'est pas encore ouverte.")) {
            try inputs.applying(.join(insee: "69034", serviceID: "toodego", offer: .abonne, from: "2026-06-01"))
        }
        #expect(throws: ChangeRefused(field: "service", "La commune adhère déjà à ce service à cette date : changez d'offre ou arrêtez-le d'abord.")) {
            try inputs.applying(.join(insee: "69034", serviceID: "laclasse", offer: nil, from: "2026-06-01"))
        }
        #expect(throws: ChangeRefused(field: "commune", "Cette commune n'a pas de convention cadre.")) {
            try inputs.applying(.join(insee: "69029", serviceID: "laclasse", offer: nil, from: "2026-06-01"))
        }
        #expect(throws: ChangeRefused(field: "identifiant", "Un service « laclasse » existe déjà.")) {
            try inputs.applying(.addService(SharedService(id: "laclasse", name: "x", annex: "Annexe 3", pricing: [nil: .free])))
        }
        #expect(throws: ChangeRefused(field: "le", "La fin doit tomber après le début et au plus tard le lendemain de la fin de la sixième année.")) {
            try inputs.applying(.terminate(insee: "69034", on: "2032-01-02"))
        }
    }

    @Test func anOfferChangedMidYearIsBilledPerOfferForItsDays() throws {
        let after = try Self.inputs().applying(.changeOffer(insee: "69034", serviceID: "toodego", offer: .connecte, from: "2026-07-01"))
        let toodego = after.conventions["69034"]!.services.filter { $0.serviceID == "toodego" }
        #expect(toodego.map(\.end) == ["2026-07-01", nil])
        let lines = ContributionsReport.lines(year: 2026, after).lines.filter { $0.contribution.serviceID == "toodego" }
        #expect(lines.map(\.contribution.offer) == [.partenaire, .connecte])
        // 13 714,60 × 181/365 = 6 800,938… and 5 871,46 × 184/365 = 2 959,859…
        #expect(lines.map(\.contribution.amount) == [Self.d("6800.94"), Self.d("2959.86")])
        #expect(lines.map(\.contribution.shareOfYear) == [Decimal(181) / 365, Decimal(184) / 365])
        var wholeYears = after
        wholeYears.partialYear = .wholeYear
        let once = ContributionsReport.lines(year: 2026, wholeYears).lines.filter { $0.contribution.serviceID == "toodego" }
        #expect(once.map(\.contribution.offer) == [.connecte] && once[0].contribution.amount == Self.d("5871.46"),
                "billed by whole years: once, at the offer the year ends with")
        let next = ContributionsReport.lines(year: 2027, after).lines.filter { $0.contribution.serviceID == "toodego" }
        #expect(next.map(\.contribution.amount) == [Self.d("5871.46")], "a full year at the new offer")
    }

    @Test func theTransitionGoesOnAcrossAnOfferChange() throws {
        // 2025: 10 000 €; 2026 capped at 11 000; from 2027 at the connecté offer, whose target (5 871,46) is below.
        let after = try Self.inputs(earlier: 10_000).applying(.changeOffer(insee: "69034", serviceID: "toodego", offer: .connecte, from: "2027-01-01"))
        #expect(ContributionsReport.lines(year: 2026, after).lines.first { $0.contribution.serviceID == "toodego" }?.contribution.amount == 11_000)
        let c2027 = try #require(ContributionsReport.lines(year: 2027, after).lines.first { $0.contribution.serviceID == "toodego" }?.contribution)
        #expect(c2027.offer == .connecte && c2027.amount == Self.d("5871.46") && c2027.previous == 11_000 && !c2027.capApplied)
        let stayed = ContributionsReport.lines(year: 2027, Self.inputs(earlier: 10_000)).lines.first { $0.contribution.serviceID == "toodego" }
        #expect(stayed?.contribution.amount == 11_550, "without the change, the climb goes on at +5 %")
    }

    @Test func stoppingAServiceTerminatingAndCreatingShowTheirEffect() throws {
        let before = Self.inputs()
        let stopped = try before.applying(.stop(insee: "69034", serviceID: "laclasse", on: "2027-01-01"))
        let compared = ContributionsComparison(year: 2027, before: before, after: stopped)
        #expect(compared.rows.map(\.serviceID) == ["laclasse"] && compared.rows[0].after == nil && compared.rows[0].before == Self.d("2914.38"))
        #expect(ContributionsComparison(year: 2026, before: before, after: stopped).rows.isEmpty)

        let ended = try before.applying(.terminate(insee: "69034", on: "2027-01-01"))
        #expect(ContributionsReport.lines(year: 2027, ended).lines.isEmpty)
        #expect(throws: ChangeRefused(field: "commune", "La convention cadre de cette commune est terminée.")) {
            try ended.applying(.join(insee: "69034", serviceID: "toodego", offer: .connecte, from: "2026-06-01"))
        }

        let bron = try before.applying(.createConvention(insee: "69029", signed: "2026-03-10", start: "2026-04-01"))
            .applying(.join(insee: "69029", serviceID: "laclasse", offer: nil, from: "2026-04-01"))
        let joined = ContributionsComparison(year: 2026, before: before, after: bron)
        #expect(joined.rows.count == 1 && joined.rows[0].commune == "Bron" && joined.rows[0].before == nil)
        #expect(joined.rows[0].after == Money.cents((300 + Self.d("0.06") * 42_000) * 275 / 365), "from 1 April: 275 days of 365")
    }

    @Test func aServiceAddedByAvenantIsBilledFromItsFirstYear() throws {
        let sig = SharedService(id: "sig", name: "SIG métropolitain", annex: "Annexe 3",
                                schedule: [PricingEntry(offer: nil, fromYear: 2027, pricing: .derogatory(amount: 1_200, rule: "forfait annuel par commune"))])
        let after = try Self.inputs().applying(.addService(sig)).applying(.join(insee: "69034", serviceID: "sig", offer: nil, from: "2027-01-01"))
        let line = try #require(ContributionsReport.lines(year: 2027, after).lines.first { $0.contribution.serviceID == "sig" }?.contribution)
        #expect(line.amount == 1_200 && line.derogation == "forfait annuel par commune")
        #expect(try after.applying(.openOffer(serviceID: "toodego", offer: .abonne)).services.first { $0.id == "toodego" }?.openOffers.contains(.abonne) == true)
    }

    @Test func aTwentyTwentyFiveAmountStartsTheTransitionAndCanBeRemoved() throws {
        let before = Self.inputs()
        let capped = try before.applying(.setEarlierAmount(insee: "69034", serviceID: "toodego", amount: 10_000))
        let row = try #require(ContributionsComparison(year: 2026, before: before, after: capped).rows.first)
        #expect(row.before == Self.d("13714.60") && row.after == 11_000, "capped at 2025 + 10 %")
        let removed = try capped.applying(.setEarlierAmount(insee: "69034", serviceID: "toodego", amount: nil))
        #expect(removed.earlier["69034"] == nil)
        #expect(throws: ChangeRefused(field: "montant_2025", "Le montant 2025 est positif ou nul.")) {
            try before.applying(.setEarlierAmount(insee: "69034", serviceID: "toodego", amount: -1))
        }
    }

    @Test func theCommunesShareIsSetAgainstHalfTheOperatingCosts() {
        let costs = OperatingCosts(serviceID: "toodego", year: 2026, amounts: [.hosting: 120_000, .maintenance: 200_000, .usage: Self.d("30000.50")])
        let check = FiftyPercentCheck(costs: costs, contributions: 150_000)
        #expect(check.costs == Self.d("350000.50") && check.half == Self.d("175000.25"))
        #expect(check.gap == Self.d("-25000.25"))
        #expect(Money.cents(check.share! * 100) == Self.d("42.86"))
        #expect(FiftyPercentCheck(costs: OperatingCosts(serviceID: "x", year: 2026, amounts: [:]), contributions: 1).share == nil)
    }
}
