import Foundation
import GuichetTestSupport
import Vapor
import XCTest

/// The pages a public service must have (issue 14): each collectivité's own text, else the Métropole's, else
/// Guichet's worded for it; edited by admins only; linked from every page's footer.
final class LegalPagesTests: XCTestCase {
    var guichet: TestGuichet!
    override func setUp() async throws { guichet = try await TestGuichet.make() }
    override func tearDown() async throws { try await guichet.shutdown() }

    func testTheDefaultsAreWordedForEachCollectivite() async throws {
        let visitor = guichet.browser()
        let mentions = try await visitor.get("/mentions-legales")
        XCTAssertEqual(mentions.status, .ok)
        XCTAssertTrue(mentions.contains("Éditeur : Métropole de Lyon") && mentions.contains("le président de la Métropole de Lyon"), mentions.body)
        let privacy = try await visitor.get("/c/caluire-et-cuire/donnees-personnelles")
        XCTAssertTrue(privacy.contains("Responsable du traitement : Caluire-et-Cuire") && privacy.contains("les brouillons 30 jours"), privacy.body)
        let statement = try await visitor.get("/c/caluire-et-cuire/accessibilite")
        XCTAssertTrue(statement.contains("le site est non conforme") && statement.contains("Défenseur des droits"))
        let help = try await visitor.get("/c/bron/aide")
        XCTAssertTrue(help.contains("contactez Bron"))
        let map = try await visitor.get("/c/caluire-et-cuire/plan-du-site")
        XCTAssertTrue(map.contains("href=\"/c/caluire-et-cuire/demarches/signalement-espace-public\""))
        // Every page's footer links them, the collectivité's own when the page is one of its.
        let home = try await visitor.get("/c/caluire-et-cuire/")
        XCTAssertTrue(home.contains("<a href=\"/c/caluire-et-cuire/accessibilite\">Accessibilité : non conforme</a>"))
        XCTAssertTrue(home.contains("<a href=\"/c/caluire-et-cuire/plan-du-site\">Plan du site</a>"))
        let unknown = try await visitor.get("/c/nulle-part/mentions-legales")
        XCTAssertEqual(unknown.status, .notFound)
    }

    func testTheMetropolesTextIsTheCommunesDefaultUntilTheyWriteTheirOwn() async throws {
        let metropole = guichet.browser()
        try await metropole.signIn("admin@metropole.demo.fr", password: "Guichet-Demo-2026!")
        try await metropole.get("/bo/metropole/pages-legales")
        let saved = try await metropole.post("/bo/metropole/pages-legales/mentions-legales", [("texte", "Éditeur : la Métropole.\n\nHébergeur : la Métropole.")])
        XCTAssertEqual(saved.status, .seeOther)
        let inherited = try await guichet.browser().get("/c/caluire-et-cuire/mentions-legales")
        XCTAssertTrue(inherited.contains("<p class=\"legal\">Hébergeur : la Métropole.</p>"), inherited.body)

        let caluire = guichet.browser()
        try await caluire.signIn("admin@caluire-et-cuire.demo.fr", password: "Guichet-Demo-2026!")
        let editor = try await caluire.get("/bo/caluire-et-cuire/pages-legales")
        XCTAssertTrue(editor.contains("Texte de la Métropole (par défaut)."))
        try await caluire.post("/bo/caluire-et-cuire/pages-legales/mentions-legales", [("texte", "Éditeur : mairie de Caluire-et-Cuire.")])
        let own = try await guichet.browser().get("/c/caluire-et-cuire/mentions-legales")
        XCTAssertTrue(own.contains("Éditeur : mairie de Caluire-et-Cuire.") && !own.contains("Hébergeur : la Métropole."))
        let bron = try await guichet.browser().get("/c/bron/mentions-legales")
        XCTAssertTrue(bron.contains("Hébergeur : la Métropole."), "another commune keeps the Métropole's")
        // Emptied: the default again.
        try await caluire.post("/bo/caluire-et-cuire/pages-legales/mentions-legales", [("texte", "  ")])
        let back = try await guichet.browser().get("/c/caluire-et-cuire/mentions-legales")
        XCTAssertTrue(back.contains("Hébergeur : la Métropole."))

        // Only admins, and only their own collectivité's texts.
        let agent = guichet.browser()
        try await agent.signIn("agent@caluire-et-cuire.demo.fr", password: "Guichet-Demo-2026!")
        let refused = try await agent.post("/bo/caluire-et-cuire/pages-legales/mentions-legales", [("texte", "Piraté")])
        XCTAssertEqual(refused.status, .forbidden)
        let elsewhere = try await caluire.post("/bo/bron/pages-legales/mentions-legales", [("texte", "Piraté")])
        XCTAssertEqual(elsewhere.status, .forbidden)
        let untouched = try await guichet.browser().get("/c/bron/mentions-legales")
        XCTAssertFalse(untouched.contains("Piraté"))
    }

    func testADemarcheSaysWhereItsPersonalDataRulesDiffer() async throws {
        let admin = guichet.browser()
        try await admin.signIn("admin@caluire-et-cuire.demo.fr", password: "Guichet-Demo-2026!")
        let base = "/bo/caluire-et-cuire/demarches/signalement-espace-public/conception"
        let page = try await admin.get(base)
        let revision = try XCTUnwrap(page.body.firstMatch(of: /name="revision" value="(\d+)"/)).1
        try await admin.post(base + "/entete", [("revision", String(revision)), ("titre", "Signaler un problème sur l'espace public"),
                                                ("presentation", "Un trou, un lampadaire…"), ("une_par_personne", ""),
                                                ("donnees", "Les photos sont transmises au prestataire de voirie et effacées après l'intervention.")])
        let copy = try await admin.get(base)
        XCTAssertTrue(copy.contains("effacées après l&#39;intervention"), "kept in the copy")
        let published = try await admin.post(base + "/publication", [("revision", String(Int(revision)! + 1)), ("en_ligne", "oui")])
        XCTAssertEqual(published.status, .seeOther)
        let form = try await guichet.browser().get("/c/caluire-et-cuire/demarches/signalement-espace-public")
        XCTAssertTrue(form.contains("Données personnelles : Les photos sont transmises au prestataire de voirie"), form.body)
        XCTAssertTrue(form.contains("href=\"/c/caluire-et-cuire/donnees-personnelles\""))
    }
}
