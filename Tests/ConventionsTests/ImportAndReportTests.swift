import Conventions
import Foundation
import Testing

/// The finance department's files and the year's report: bad rows named by line and reason, nothing kept from a
/// file with one; the report's population vintage, transition and partly covered years.
@Suite struct ImportAndReportTests {
    @Test func aFileWithBadRowsIsRefusedWholeEachRowSayingWhy() throws {
        let text = """
            code_insee,millesime,population
            69034,2022,43573
            6934,2022,100
            69029,deux-mille,43049
            69029,2022,-3
            """
        guard case .failure(let errors) = ConventionImports.populations(text) else { Issue.record("accepted"); return }
        #expect(errors.lines.map(\.line) == [3, 4, 5])
        #expect(errors.lines[0].description == "ligne 3 : code INSEE « 6934 » invalide (5 caractères, 69xxx)")
        guard case .failure(let header) = ConventionImports.syntec("month,value\n2025-11,300") else { Issue.record("accepted"); return }
        #expect(header.lines == [ConventionImports.LineError(line: 1, reason: "en-tête attendu : mois,valeur,publie_le")])
        #expect(try ConventionImports.syntec("mois,valeur,publie_le\n2025-11,\"315,8\",2025-12-19\n").get()
                == [SyntecValue(year: 2025, month: 11, value: Decimal(string: "315.8")!, published: "2025-12-19")])
        guard case .failure(let dates) = ConventionImports.syntec("mois,valeur,publie_le\n2025-13,300,2025-12-19\n2025-11,300,2025-02-30") else {
            Issue.record("accepted"); return
        }
        #expect(dates.lines.map(\.line) == [2, 3])
        guard case .failure(let early) = ConventionImports.syntec("mois,valeur,publie_le\n2025-11,300,2025-11-20") else { Issue.record("accepted"); return }
        #expect(early.lines.map(\.description) == ["ligne 2 : un indice est publié après la fin de son mois"], "the same rule as the back-office's form")
    }

    @Test func conventionsAreReadRowByServiceAndMustAgree() throws {
        let services = ServiceCatalogue.deliberation2025
        let ok = try ConventionImports.conventions("""
            code_insee,signee_le,debut,fin,service,offre,debut_service,fin_service
            69034,2025-06-23,2026-01-01,,toodego,partenaire,2026-01-01,
            69034,2025-06-23,2026-01-01,,laclasse,,2026-01-01,2026-07-01
            """, services: services).get()
        #expect(ok["69034"]?.services.count == 2)
        #expect(ok["69034"]?.services[1].end == "2026-07-01")
        guard case .failure(let bad) = ConventionImports.conventions("""
            code_insee,signee_le,debut,fin,service,offre,debut_service,fin_service
            69034,2025-06-23,2026-01-01,,toodego,abonne,2026-01-01,
            69034,2025-06-24,2026-01-01,,laclasse,,2026-01-01,
            69029,2025-06-23,2026-01-01,,toodego,partenaire,2025-12-01,
            """, services: services) else { Issue.record("accepted"); return }
        #expect(bad.lines.map(\.description) == [
            "ligne 2 : l'offre abonné n'est pas encore ouverte",
            "ligne 4 : le service commence avant la convention",
        ], "a row error stops before the conventions are put together")
    }

    @Test func aServiceTwiceIsAChangeOfOfferWhenItsPeriodsFollowEachOther() throws {
        let header = "code_insee,signee_le,debut,fin,service,offre,debut_service,fin_service\n"
        let changed = try ConventionImports.conventions(header + """
            69034,2025-06-23,2026-01-01,,toodego,partenaire,2026-01-01,2027-01-01
            69034,2025-06-23,2026-01-01,,toodego,connecte,2027-01-01,
            """, services: ServiceCatalogue.deliberation2025).get()
        #expect(changed["69034"]?.services.map(\.offer) == [.partenaire, .connecte])
        guard case .failure(let overlap) = ConventionImports.conventions(header + """
            69034,2025-06-23,2026-01-01,,toodego,partenaire,2026-01-01,2027-01-02
            69034,2025-06-23,2026-01-01,,toodego,connecte,2027-01-01,
            """, services: ServiceCatalogue.deliberation2025) else { Issue.record("accepted"); return }
        #expect(overlap.lines.map(\.description) == ["ligne 3 : toodego figure deux fois pour 69034 sur des périodes qui se chevauchent"])
    }

    @Test func theReportTakesThePopulationInForceAndBillsAPartYear() {
        let convention = ConventionCadre(commune: "69034", signed: "2025-06-23", start: "2026-01-01", services: [
            .init(serviceID: "toodego", offer: .partenaire, start: "2026-01-01"),
            .init(serviceID: "laclasse", offer: nil, start: "2026-01-01", end: "2026-07-01"),
        ])
        let inputs = ContributionsReport.Inputs(conventions: ["69034": convention], names: ["69034": "Caluire-et-Cuire"],
                                                populations: ["69034": [2017: 43_187, 2021: 43_573, 2023: 44_000]],
                                                syntec: SyntecSeries([SyntecValue(year: 2025, month: 11, value: 300, published: "2025-12-20")]),
                                                earlier: ["69034": ["toodego": 10_000]])
        let (lines, problems) = ContributionsReport.lines(year: 2026, inputs)
        #expect(problems.isEmpty)
        #expect(lines.map(\.contribution.populationYear) == [2021, 2021], "2023 is not yet in force on 31/12/2025")
        #expect(lines.first { $0.contribution.serviceID == "toodego" }?.contribution.amount == 11_000, "capped at +10 % over 2025")
        #expect(lines.first { $0.contribution.serviceID == "laclasse" }?.contribution.amount == Decimal(string: "1445.21"),
                "2 914,38 × 181 / 365 = 1 445,213… → 1 445,21")
        let later = ContributionsReport.lines(year: 2027, inputs)
        #expect(later.problems == ["Indice Syntec pour 2027 inconnu : importez les valeurs publiées avant le 1er janvier 2027."])
        #expect(ContributionsReport.csv(lines).contains("69034,Caluire-et-Cuire,toodego,partenaire,43573,2021,5000.00,0.2,8714.6,,,1,13714.60,10000.00,11000.00,oui,1,11000.00"))
    }
}
