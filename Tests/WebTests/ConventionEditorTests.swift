import Conventions
import Foundation
import GuichetTestSupport
import Vapor
import XCTest

/// The Métropole's admins change the catalogue and conventions: a simulation shows the effect and saves
/// nothing, saving stores the change, bad input is refused next to its field; the Syntec index and operating
/// costs are entered by hand; none of it is open to a commune's agents.
final class ConventionEditorTests: XCTestCase {
    var guichet: TestGuichet!
    override func setUp() async throws { guichet = try await TestGuichet.make() }
    override func tearDown() async throws { try await guichet.shutdown() }

    func metropole() async throws -> Browser {
        let browser = guichet.browser()
        _ = try await browser.signIn("admin@metropole.demo.fr", password: "Guichet-Demo-2026!")
        _ = try await browser.get("/bo/metropole/convention/services")
        return browser
    }

    func testARateChangeIsSimulatedThenSavedAndBadInputChangesNothing() async throws {
        let admin = try await metropole()
        let rate = [("type", "tarif"), ("service", "laclasse:"), ("a_partir_de", "2026"), ("tarif", "habitant"), ("part_fixe", "300"),
                    ("taux", "0,08"), ("montant", "0"), ("regle", "")]
        let simulated = try await admin.post("/bo/metropole/convention/changement", rate + [("mode", "simuler")])
        XCTAssertEqual(simulated.status, .ok)
        XCTAssertTrue(simulated.contains("Simulation — rien n'est encore enregistré"), simulated.body)
        XCTAssertTrue(simulated.contains("<td>Caluire-et-Cuire</td><td>laclasse.com, espace numérique de travail des écoles</td><td>2\u{202F}914,38\u{00A0}€</td><td>3\u{202F}785,84\u{00A0}€</td><td>+871,46\u{00A0}€</td>"),
                      "0,02 € more per inhabitant of Caluire")
        let untouched = try await guichet.store.sharedServices()
        XCTAssertEqual(untouched, ServiceCatalogue.deliberation2025, "a simulation saves nothing")

        let bad = try await admin.post("/bo/metropole/convention/changement", rate.map { $0.0 == "taux" ? ("taux", "huit centimes") : $0 } + [("mode", "enregistrer")])
        XCTAssertEqual(bad.status, .unprocessableEntity)
        XCTAssertEqual(bad.fieldErrors["tarif_taux"], "Montant attendu en euros, par exemple 5000 ou 0,20.")
        XCTAssertTrue(bad.contains("value=\"huit centimes\""), "the form is kept as typed")
        let stillUntouched = try await guichet.store.sharedServices()
        XCTAssertEqual(stillUntouched, ServiceCatalogue.deliberation2025)

        let saved = try await admin.post("/bo/metropole/convention/changement", rate + [("mode", "enregistrer")])
        XCTAssertEqual(saved.status, .seeOther)
        let laclasse = try await guichet.store.sharedServices().first { $0.id == "laclasse" }
        XCTAssertEqual(laclasse?.pricing(for: nil, year: 2026), .perInhabitant(fixed: 300, rate: Decimal(string: "0.08")!))
        let page = try await admin.get("/bo/metropole/convention/services")
        XCTAssertTrue(page.contains("Changement enregistré. Tarif de laclasse.com"), "said once saved")
        XCTAssertTrue(page.contains("Tarif à partir de 2026 : 300,00\u{00A0}€ + 0,08\u{00A0}€ par habitant"))
    }

    func testACommuneJoinsFromItsPageAndAnAvenantAddsAService() async throws {
        let admin = try await metropole()
        let inputs = try await guichet.store.contributionInputs()
        let without = try XCTUnwrap(inputs.names.keys.sorted().first { inputs.conventions[$0] == nil }, "a commune outside the convention cadre")
        let page = try await admin.get("/bo/metropole/convention/commune?insee=\(without)")
        XCTAssertTrue(page.contains("Cette commune n'a pas de convention cadre.") && page.contains("Créer la convention cadre"))

        let late = try await admin.post("/bo/metropole/convention/changement", [("type", "convention"), ("insee", without), ("signee_le", "2026-05-12"),
                                                                               ("debut", "2026-04-01"), ("mode", "enregistrer")])
        XCTAssertEqual(late.status, .unprocessableEntity)
        XCTAssertEqual(late.fieldErrors["convention_signee_le"], "La signature précède le début de la convention.")
        let created = try await admin.post("/bo/metropole/convention/changement", [("type", "convention"), ("insee", without), ("signee_le", "12/03/2026"),
                                                                                  ("debut", "01/04/2026"), ("mode", "enregistrer")])
        XCTAssertEqual(created.status, .seeOther)
        let join = [("type", "adhesion"), ("insee", without), ("service", "laclasse"), ("offre", ""), ("a_partir_du", "2026-04-01")]
        let simulated = try await admin.post("/bo/metropole/convention/changement", join + [("mode", "simuler")])
        XCTAssertNotNil(simulated.body.firstMatch(of: /<td>laclasse.com, espace numérique de travail des écoles<\/td><td>—<\/td><td>[0-9][^<]*€<\/td><td>\+/),
                        "the simulation's row: nothing before, an amount after")
        XCTAssertTrue(simulated.contains("adhère à laclasse.com, espace numérique de travail des écoles à partir du 01/04/2026"))
        try await admin.post("/bo/metropole/convention/changement", join + [("mode", "enregistrer")])
        let joined = try await guichet.store.contributionInputs().conventions[without]
        XCTAssertEqual(joined?.services, [.init(serviceID: "laclasse", offer: nil, start: "2026-04-01")])
        let transition = [("type", "montant2025"), ("insee", without), ("service", "laclasse"), ("montant_2025", "100,00")]
        let capped = try await admin.post("/bo/metropole/convention/changement", transition + [("mode", "simuler")])
        XCTAssertTrue(capped.contains("<td>82,88\u{00A0}€</td>"), "2026 capped at 100 € + 10 %, for 275 days of 365: 82,876…")
        try await admin.post("/bo/metropole/convention/changement", transition + [("mode", "enregistrer")])
        let history = try await admin.get("/bo/metropole/convention/commune?insee=\(without)")
        XCTAssertTrue(history.contains("Morgane Admin (Métropole) &lt;admin@metropole.demo.fr&gt; : Montant 2025 de"), "who changed what, for the audit")
        XCTAssertTrue(history.contains("laclasse.com, espace numérique de travail des écoles : 100,00\u{00A0}€."), history.body)
        let twice = try await admin.post("/bo/metropole/convention/changement", join + [("mode", "simuler")])
        XCTAssertEqual(twice.fieldErrors["adhesion_service"], "La commune adhère déjà à ce service à cette date : changez d&#39;offre ou arrêtez-le d&#39;abord.")

        let avenant = [("type", "service"), ("identifiant", "sig"), ("nom", "SIG métropolitain"), ("annexe", "Annexe 3"), ("a_partir_de", "2026"),
                       ("tarif", "derogatoire"), ("part_fixe", "0"), ("taux", "0"), ("montant", "1200"), ("regle", "forfait annuel par commune"),
                       ("mode", "enregistrer")]
        let avenantSaved = try await admin.post("/bo/metropole/convention/changement", avenant)
        XCTAssertEqual(avenantSaved.status, .seeOther)
        let again = try await admin.post("/bo/metropole/convention/changement", avenant)
        XCTAssertEqual(again.fieldErrors["service_identifiant"], "Un service « sig » existe déjà.")
        let services = try await guichet.store.sharedServices()
        XCTAssertEqual(services.map(\.id), ["toodego", "laclasse", "sig"])
    }

    func testTheIndexAndOperatingCostsAreEnteredByHandAndACommuneCannotChangeAnything() async throws {
        let admin = try await metropole()
        _ = try await admin.get("/bo/metropole/convention/indices")
        let early = try await admin.post("/bo/metropole/convention/indices", [("mois", "2026-10"), ("valeur", "310,2"), ("publie_le", "2026-10-20")])
        XCTAssertEqual(early.status, .unprocessableEntity)
        XCTAssertEqual(early.fieldErrors["indice_publie_le"], "Un indice est publié après la fin de son mois.")
        let november = try await admin.post("/bo/metropole/convention/indices", [("mois", "2025-11"), ("valeur", "300"), ("publie_le", "2025-12-15")])
        XCTAssertEqual(november.status, .seeOther)
        let october = try await admin.post("/bo/metropole/convention/indices", [("mois", "10/2026"), ("valeur", "310,2"), ("publie_le", "20/11/2026")])
        XCTAssertEqual(october.status, .seeOther)
        let indices = try await admin.get("/bo/metropole/convention/indices")
        XCTAssertTrue(indices.contains("2027 : 310.2 (10/2026, publié le 20/11/2026) ; facteur de révision 1.034"), indices.body)
        let later = try await admin.get("/bo/metropole/contributions?annee=2027")
        XCTAssertFalse(later.contains("Indice Syntec pour 2027 inconnu"), "2027 is computed once the index is entered")

        _ = try await admin.get("/bo/metropole/convention/charges?annee=2026")
        let costs = [("annee", "2026"), ("service", "laclasse"), ("hebergement", "40 000"), ("maintenance", "60000"), ("administration", ""),
                     ("support", "20000,50"), ("gouvernance", ""), ("usages", "")]
        let costsSaved = try await admin.post("/bo/metropole/convention/charges", costs)
        XCTAssertEqual(costsSaved.status, .seeOther)
        let saved = try await guichet.store.operatingCosts(year: 2026)["laclasse"]
        XCTAssertEqual(saved?.total, Decimal(string: "120000.50"))
        let report = ContributionsReport.lines(year: 2026, try await guichet.store.contributionInputs()).lines
        let laclasse = report.filter { $0.contribution.serviceID == "laclasse" }.reduce(Decimal(0)) { $0 + $1.contribution.amount }
        let page = try await admin.get("/bo/metropole/convention/charges?annee=2026")
        XCTAssertTrue(page.contains("50 % des charges</dt><dd>60\u{202F}000,25\u{00A0}€"))
        XCTAssertTrue(page.contains("Contributions des communes 2026</dt><dd>\(Money.french(laclasse))"))
        let bad = try await admin.post("/bo/metropole/convention/charges", costs.map { $0.0 == "support" ? ("support", "-5") : $0 })
        XCTAssertEqual(bad.status, .unprocessableEntity)
        XCTAssertEqual(bad.fieldErrors["charges_laclasse_support"], "Montant attendu en euros, positif ou nul (par exemple 12 500 ou 12500,50).")
        let costsAfterRefusal = try await guichet.store.operatingCosts(year: 2026)["laclasse"]
        XCTAssertEqual(costsAfterRefusal?.total, Decimal(string: "120000.50"), "refused: unchanged")

        let commune = guichet.browser()
        _ = try await commune.signIn("admin@caluire-et-cuire.demo.fr", password: "Guichet-Demo-2026!")
        _ = try await commune.get("/bo/caluire-et-cuire/convention")
        for path in ["/bo/caluire-et-cuire/convention/services", "/bo/caluire-et-cuire/convention/commune?insee=69034",
                     "/bo/caluire-et-cuire/convention/indices", "/bo/caluire-et-cuire/convention/charges"] {
            let response = try await commune.get(path)
            XCTAssertEqual(response.status, .forbidden, path)
        }
        try await guichet.store.apply(.setEarlierAmount(insee: "69034", serviceID: "toodego", amount: 12_000), by: "Morgane Admin", in: try await guichet.store.platformScope())
        try await guichet.store.apply(.setEarlierAmount(insee: "69029", serviceID: "toodego", amount: 9_000), by: "Morgane Admin", in: try await guichet.store.platformScope())
        let own = try await commune.get("/bo/caluire-et-cuire/convention")
        XCTAssertTrue(own.contains("Morgane Admin : Montant 2025 de Caluire-et-Cuire"), "a commune sees the changes made to its convention")
        XCTAssertFalse(own.contains("Montant 2025 de Bron"), "and only those")
        let forged = try await commune.post("/bo/caluire-et-cuire/convention/changement", [("type", "resiliation"), ("insee", "69034"), ("le", "2027-01-01"),
                                                                                           ("mode", "enregistrer")])
        XCTAssertEqual(forged.status, .forbidden)
        let caluire = try await guichet.store.contributionInputs().conventions["69034"]
        XCTAssertNil(caluire?.ended)
    }

    func testTheFinanceFilesAreImportedFromTheBackOfficeAndABadOneChangesNothing() async throws {
        let admin = try await metropole()
        _ = try await admin.get("/bo/metropole/convention/import")
        let before = try await guichet.store.contributionInputs().populations
        let bad = try await admin.postMultipart("/bo/metropole/convention/import", [("fichier_type", "populations")], files: [
            (field: "fichier", filename: "populations.csv", bytes: Array("code_insee,millesime,population\n69034,2022,44000\n6903,2022,10\n69029,2022,-1\n".utf8))])
        XCTAssertEqual(bad.status, .unprocessableEntity)
        XCTAssertTrue(bad.contains("<li>Ligne 3 : code INSEE « 6903 » invalide (5 caractères, 69xxx)</li>"), bad.body)
        XCTAssertTrue(bad.contains("<li>Ligne 4 : population « -1 » invalide (un entier)</li>"))
        let unchanged = try await guichet.store.contributionInputs().populations
        XCTAssertEqual(unchanged, before, "nothing imported from a file with a bad row")

        let good = try await admin.postMultipart("/bo/metropole/convention/import", [("fichier_type", "populations")], files: [
            (field: "fichier", filename: "populations.csv", bytes: Array("code_insee,millesime,population\n69034,2022,44000\n69029,2022,43100\n".utf8))])
        XCTAssertEqual(good.status, .seeOther)
        let imported = try await guichet.store.contributionInputs().populations
        XCTAssertEqual(imported["69034"]?[2022], 44_000)
        let catalogue = try await admin.get("/bo/metropole/convention/services")
        XCTAssertTrue(catalogue.contains("Import « Populations municipales (INSEE) » : 2 populations importées (millésimes 2022)."), "journaled")
    }
}
