import Conventions
import Foundation
import GuichetTestSupport
import Vapor
import XCTest

/// The convention cadre in the back-office: the Métropole's admins see every commune's amounts, the revenue per
/// service and the CSV; a commune's agents see their own convention and amounts only.
final class ContributionsPageTests: XCTestCase {
    var guichet: TestGuichet!
    override func setUp() async throws { guichet = try await TestGuichet.make() }
    override func tearDown() async throws { try await guichet.shutdown() }

    func testTheMetropoleSeesEveryCommuneAndACommuneOnlyItself() async throws {
        let metropole = guichet.browser()
        _ = try await metropole.signIn("admin@metropole.demo.fr", password: "Guichet-Demo-2026!")
        let page = try await metropole.get("/bo/metropole/contributions?annee=2026")
        XCTAssertEqual(page.status, .ok)
        XCTAssertTrue(page.contains("Caluire-et-Cuire") && page.contains("Bron"))
        XCTAssertTrue(page.contains("333\u{202F}373,24\u{00A0}€"), "the year's total")
        XCTAssertTrue(page.contains("chapitre 70, opération n° 0P02O4984"))
        XCTAssertTrue(page.contains("5\u{202F}000,00\u{00A0}€ + 0,20\u{00A0}€ × 43\u{202F}573 habitants (population municipale, millésime 2021) = cible 13\u{202F}714,60\u{00A0}€"))
        // The forecast's 2026 rests on a 2025 index not entered yet: the page says so where its total differs.
        XCTAssertTrue(page.contains("id=\"ecart-prevision\"") && page.contains("indice Syntec 2025 supposé (+2 % par an), pas encore saisi"), page.body)
        let flat = try await metropole.get("/bo/metropole/contributions?annee=2026&indice=0&population=0")
        XCTAssertTrue(flat.contains("<td>2031</td><td>333\u{202F}373,24\u{00A0}€</td>"), "flat assumptions: 2031 as 2026, even before any index is imported")
        XCTAssertFalse(flat.contains("id=\"ecart-prevision\""), "no difference to explain")
        // French order: Écully among the E, Vénissieux before Villeurbanne.
        let names = page.body.matches(of: /<option value="\d{5}">([^<]+)<\/option>/).map { String($0.1) }
        let (ecully, feyzin) = (try XCTUnwrap(names.firstIndex(of: "Écully")), try XCTUnwrap(names.firstIndex(of: "Feyzin")))
        XCTAssertLessThan(ecully, feyzin, "\(names)")
        XCTAssertLessThan(try XCTUnwrap(names.firstIndex(of: "Vénissieux")), try XCTUnwrap(names.firstIndex(of: "Villeurbanne")))
        let badGrowth = try await metropole.get("/bo/metropole/contributions?annee=2026&indice=beaucoup")
        XCTAssertTrue(badGrowth.contains("Croissances attendues en pourcentage"))
        let csv = try await metropole.get("/bo/metropole/contributions.csv?annee=2026")
        XCTAssertEqual(csv.headers.first(name: .contentType), "text/csv; charset=utf-8")
        XCTAssertEqual(csv.body.split(separator: "\n").count, 57)
        XCTAssertTrue(page.contains("Aucune : toutes les communes adhérentes ont approuvé la convention cadre à temps."))
        let late = ConventionCadre(commune: "69029", signed: "2026-02-10", start: "2026-03-01",
                                   services: [.init(serviceID: "toodego", offer: .partenaire, start: "2026-03-01")])
        try await guichet.store.importConventions(["69029": late], in: try await guichet.store.platformScope())
        let risk = try await metropole.get("/bo/metropole/contributions?annee=2026")
        XCTAssertTrue(risk.contains("Bron : convention signée le 10/02/2026, après le 31/12/2025 — Toodego (partenaire), laclasse.com"), risk.body)
        XCTAssertTrue(risk.contains("5\u{202F}000,00\u{00A0}€ + 0,20\u{00A0}€ × 43\u{202F}049 habitants"), "Bron billed from March")
        XCTAssertTrue(risk.contains("part de l&#39;année couverte 83,84 %"), "306 days of 365")
        let call = try await metropole.get("/bo/metropole/convention/appel.pdf?annee=2026&commune=69034")
        XCTAssertEqual(call.headers.first(name: .contentType), "application/pdf")
        let text = String(decoding: Data(call.body.utf8), as: UTF8.self)
        XCTAssertTrue(text.hasPrefix("%PDF-1.4"))
        XCTAssertTrue(text.contains("Appel de contributions 2026") && text.contains("Caluire-et-Cuire"), "the text is in the page, uncompressed")
        let none = try await metropole.get("/bo/metropole/convention/appel.pdf?annee=2026&commune=69999").status
        XCTAssertEqual(none, .notFound)
        let later = try await metropole.get("/bo/metropole/contributions?annee=2027")
        XCTAssertTrue(later.contains("Indice Syntec pour 2027 inconnu"), "what is missing is said")

        let agent = guichet.browser()
        _ = try await agent.signIn("agent@caluire-et-cuire.demo.fr", password: "Guichet-Demo-2026!")
        let own = try await agent.get("/bo/caluire-et-cuire/convention")
        XCTAssertEqual(own.status, .ok)
        XCTAssertTrue(own.contains("Signée le</dt><dd>23/06/2025"))
        XCTAssertTrue(own.contains("Fin au plus tard</dt><dd>31/12/2031"))
        XCTAssertTrue(own.contains("13\u{202F}714,60\u{00A0}€") && own.contains("2\u{202F}914,38\u{00A0}€"))
        XCTAssertFalse(own.contains("Bron"), "a commune sees only itself")
        let ownCall = try await agent.get("/bo/caluire-et-cuire/convention/appel.pdf?annee=2026&commune=69029")
        XCTAssertEqual(ownCall.status, .ok)
        XCTAssertTrue(ownCall.body.contains("69034") && !ownCall.body.contains("69029"), "a commune's agent gets its own call, whatever it asks")
        let csvRefused = try await agent.get("/bo/caluire-et-cuire/contributions.csv").status
        XCTAssertEqual(csvRefused, .forbidden)
        let other = try await agent.get("/bo/bron/convention").status
        XCTAssertEqual(other, .forbidden)
    }
}
