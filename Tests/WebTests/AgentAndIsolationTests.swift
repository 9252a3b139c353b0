import Demarches
import Foundation
import GuichetTestSupport
import Storage
import Vapor
import XCTest

final class AgentAndIsolationTests: XCTestCase {
    var guichet: TestGuichet!
    override func setUp() async throws { guichet = try await TestGuichet.make() }
    override func tearDown() async throws { try await guichet.shutdown() }

    func file(_ slug: String) async throws -> String {
        let api = guichet.browser()
        let page = try await api.json(.POST, "/api/v1/collectivites/\(slug)/demarches/signalement-espace-public/demandes", ["data": [
            "categorie": "tag", "description": "Tag", "adresse": ["street": "1 rue A", "postcode": "69000", "city": "Lyon"],
            "nom": "Jeanne Martin", "email": "x@exemple.fr", "consentement": true]])
        XCTAssertEqual(page.status, .created, page.body)
        return try XCTUnwrap(page.body.firstMatch(of: /"number":"([A-Z0-9-]+)"/)).1.description
    }

    func testAgentsOfOneCommuneCannotReachAnothersRequests() async throws {
        let caluire = try await file("caluire-et-cuire")
        let bron = try await file("bron")
        let agent = guichet.browser()
        _ = try await agent.signIn("agent@bron.demo.fr", password: "Guichet-Demo-2026!")
        let value1 = try await agent.get("/bo/caluire-et-cuire/demandes").status
        XCTAssertEqual(value1, .forbidden)
        let value2 = try await agent.get("/bo/caluire-et-cuire/demandes/\(caluire)").status
        XCTAssertEqual(value2, .forbidden)
        let value3 = try await agent.get("/bo/bron/demandes/\(caluire)").status
        XCTAssertEqual(value3, .notFound)
        let inbox = try await agent.get("/bo/bron/demandes")
        XCTAssertTrue(inbox.contains(bron))
        XCTAssertFalse(inbox.contains(caluire))
        let move = try await agent.post("/bo/bron/demandes/\(caluire)/transition", [("transition", "prendre")])
        XCTAssertEqual(move.status, .notFound)
        let caluireAgent = try await XCTUnwrapAsync(try await guichet.agentScope("agent@caluire-et-cuire.demo.fr", "caluire-et-cuire"))
        let status = try await guichet.store.demande(number: caluire, in: caluireAgent)?.status
        XCTAssertEqual(status, "recue", "unchanged")
    }

    /// A démarche's bundle and its versions' comparison hold the addresses it calls (webhooks, data sources):
    /// admins only, on the page (no link) and behind it (403, and the store refuses).
    func testOnlyAdminsReadABundleOrAVersionComparison() async throws {
        let admin = try await XCTUnwrapAsync(try await guichet.agentScope("admin@caluire-et-cuire.demo.fr", "caluire-et-cuire"))
        var definition = try await XCTUnwrapAsync(try await guichet.store.authoredDemarche(slug: "signalement-espace-public", in: admin)).definition
        definition.title += " (v2)"
        _ = try await guichet.store.publish(definition, in: admin)
        let page = "/bo/caluire-et-cuire/demarches/signalement-espace-public"
        let agent = guichet.browser()
        _ = try await agent.signIn("agent@caluire-et-cuire.demo.fr", password: "Guichet-Demo-2026!")
        for path in ["\(page)/paquet", "\(page)/versions/2"] {
            let status = try await agent.get(path).status
            XCTAssertEqual(status, .forbidden, path)
        }
        let agentsPage = try await agent.get(page)
        XCTAssertEqual(agentsPage.status, .ok)
        XCTAssertFalse(agentsPage.contains("\(page)/paquet") || agentsPage.contains("\(page)/versions/2"), "no link that would be refused")
        let caluireAgent = try await XCTUnwrapAsync(try await guichet.agentScope("agent@caluire-et-cuire.demo.fr", "caluire-et-cuire"))
        do { _ = try await guichet.store.bundle(slug: "signalement-espace-public", in: caluireAgent); XCTFail("an agent read the bundle") }
        catch StoreError.forbidden {}
        let adminBrowser = guichet.browser()
        _ = try await adminBrowser.signIn("admin@caluire-et-cuire.demo.fr", password: "Guichet-Demo-2026!")
        for path in ["\(page)/paquet", "\(page)/versions/2"] {
            let status = try await adminBrowser.get(path).status
            XCTAssertEqual(status, .ok, path)
        }
        let adminsPage = try await adminBrowser.get(page)
        XCTAssertTrue(adminsPage.contains("\(page)/paquet") && adminsPage.contains("\(page)/versions/2"))
    }

    func testTheBackOfficeNeedsASignedInAgent() async throws {
        let anonymous = guichet.browser()
        let page = try await anonymous.get("/bo/caluire-et-cuire/demandes")
        XCTAssertEqual(page.status, .seeOther)
        XCTAssertEqual(page.location, "/compte/connexion?retour=/bo/caluire-et-cuire/demandes")
        let citizen = guichet.browser()
        _ = try await citizen.signIn("usager@demo.fr", password: "Guichet-Demo-2026!")
        let value4 = try await citizen.get("/bo/caluire-et-cuire/demandes").status
        XCTAssertEqual(value4, .forbidden)
    }

    func testARefusedTransitionSaysWhyAndChangesNothing() async throws {
        let number = try await file("caluire-et-cuire")
        let agent = guichet.browser()
        _ = try await agent.signIn("agent@caluire-et-cuire.demo.fr", password: "Guichet-Demo-2026!")
        try await agent.get("/bo/caluire-et-cuire/demandes/\(number)")
        let refused = try await agent.post("/bo/caluire-et-cuire/demandes/\(number)/transition", [("transition", "resoudre")])
        XCTAssertEqual(refused.status, .conflict)
        XCTAssertTrue(refused.contains("Cette action n&#39;est pas possible dans le statut actuel de la demande."))
        XCTAssertEqual(refused.text(id: "statut"), "Reçue")
    }

    func testInboxFiltersOverHTTP() async throws {
        for _ in 0..<3 { _ = try await file("caluire-et-cuire") }
        let agent = guichet.browser()
        _ = try await agent.signIn("agent@caluire-et-cuire.demo.fr", password: "Guichet-Demo-2026!")
        let value5 = try await agent.get("/bo/caluire-et-cuire/demandes").text(id: "total")
        XCTAssertEqual(value5, "3 demandes")
        let value6 = try await agent.get("/bo/caluire-et-cuire/demandes?statut=en_cours").text(id: "total")
        XCTAssertEqual(value6, "Aucune demande")
        let value7 = try await agent.get("/bo/caluire-et-cuire/demandes?demarche=acte-etat-civil").text(id: "total")
        XCTAssertEqual(value7, "Aucune demande")
        let value8 = try await agent.get("/bo/caluire-et-cuire/demandes?du=2000-01-01&au=2100-01-01&q=tag&tri=oldest").text(id: "total")
        XCTAssertEqual(value8, "3 demandes")
        // Filtering within a status tab keeps it; inverted dates are said; the citizen's name is shown.
        let tab = try await agent.get("/bo/caluire-et-cuire/demandes?statut=recue")
        XCTAssertTrue(tab.contains("<input type=\"hidden\" name=\"statut\" value=\"recue\">"))
        XCTAssertTrue(tab.contains("Jeanne Martin"), "the citizen's name, not only their e-mail")
        let inverted = try await agent.get("/bo/caluire-et-cuire/demandes?du=2026-12-01&au=2026-01-01")
        XCTAssertTrue(inverted.contains("id=\"dates-inversees\""))
        let straight = try await agent.get("/bo/caluire-et-cuire/demandes?du=2026-01-01&au=2026-12-31")
        XCTAssertFalse(straight.contains("id=\"dates-inversees\""))
    }

    func testAdminsEditDemarchesAndBrokenDefinitionsAreRefused() async throws {
        let admin = guichet.browser()
        _ = try await admin.signIn("admin@caluire-et-cuire.demo.fr", password: "Guichet-Demo-2026!")
        let bundle = try await admin.get("/bo/caluire-et-cuire/demarches/acte-etat-civil/paquet")
        XCTAssertEqual(bundle.status, .ok)
        let export = try JSONDecoder().decode(DemarcheBundle.self, from: Data(bundle.body.utf8)).demarche.canonicalJSON()
        let definition = String(decoding: export, as: UTF8.self)
        try await admin.get("/bo/caluire-et-cuire/demarches/editer?demarche=acte-etat-civil")
        let broken = definition.replacingOccurrences(of: "\"initialStatus\" : \"recue\"", with: "\"initialStatus\" : \"nulle_part\"")
        let refused = try await admin.post("/bo/caluire-et-cuire/demarches/editer", [("definition", broken)])
        XCTAssertEqual(refused.status, .unprocessableEntity)
        XCTAssertTrue(refused.contains("Le statut initial « nulle_part » n&#39;existe pas."))
        let renamed = definition.replacingOccurrences(of: "Demander un acte d'état civil", with: "Acte d'état civil (nouveau)")
        let saved = try await admin.post("/bo/caluire-et-cuire/demarches/editer", [("definition", renamed)])
        XCTAssertEqual(saved.status, .seeOther)
        let list = try await admin.get("/bo/caluire-et-cuire/demarches")
        XCTAssertTrue(list.contains("Acte d&#39;état civil (nouveau)"))
        let agent = guichet.browser()
        _ = try await agent.signIn("agent@caluire-et-cuire.demo.fr", password: "Guichet-Demo-2026!")
        let value9 = try await agent.get("/bo/caluire-et-cuire/demarches/editer").status
        XCTAssertEqual(value9, .forbidden, "agents are not admins")
    }
}
