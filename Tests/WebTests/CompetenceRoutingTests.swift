import Foundation
import GuichetTestSupport
import Routing
@testable import Storage
import Vapor
import XCTest

/// Routing over HTTP (issue 16): a report filed at the Métropole goes to whoever answers for it, said to the
/// citizen and to the agents; a point outside the territory is refused beside the map and files nothing.
final class CompetenceRoutingTests: XCTestCase {
    var guichet: TestGuichet!
    override func setUp() async throws { guichet = try await TestGuichet.make() }
    override func tearDown() async throws { try await guichet.shutdown() }

    static let form = "/c/metropole/demarches/signalement-espace-public"
    static func report(_ category: String, lat: String, lon: String, city: String = "Bron") -> [(String, String)] {
        [("action", "envoyer"), ("categorie", category), ("gravite", "pietons"), ("description", "Lampadaire éteint"),
         ("adresse.street", "1 place de la Liberté"), ("adresse.postcode", "69500"), ("adresse.city", city),
         ("emplacement.lat", lat), ("emplacement.lon", lon), ("date_constat", "2026-11-02"),
         ("nom", "Jeanne Martin"), ("email", "jeanne@exemple.fr"), ("telephone", "0478000000"), ("consentement", "on")]
    }
    static let png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13]

    func file(_ fields: [(String, String)], by citizen: Browser) async throws -> Browser.Page {
        try await citizen.get(Self.form)
        return try await citizen.postMultipart(Self.form, fields, files: [("photo", "lampadaire.png", Self.png)])
    }

    func testALightingReportInBronIsTheMairieDeBronsAndAPotholeTheMetropoles() async throws {
        let citizen = guichet.browser()
        let sent = try await file(Self.report("eclairage", lat: "45.7390", lon: "4.9130"), by: citizen)
        XCTAssertEqual(sent.status, .seeOther, sent.body)
        let receipt = try await citizen.get(try XCTUnwrap(sent.location))
        XCTAssertEqual(receipt.text(id: "traitee-par"), "Votre demande est traitée par la mairie de Bron.")
        let number = try XCTUnwrap(receipt.text(id: "numero"))
        let scope = try await XCTUnwrapAsync(try await guichet.store.operatorScope(slug: "metropole"))
        let lighting = try await XCTUnwrapAsync(try await guichet.store.demande(number: number, in: scope))
        XCTAssertEqual(lighting.routing, StoredRouting(collectivite: "bron", service: "services-techniques", category: "eclairage-public"))
        XCTAssertEqual(lighting.events.first?.body, "Orientée vers la mairie de Bron par la règle de routage n° 1 (catégorie « Éclairage public »).")
        let follow = try await citizen.get("/suivi/\(number)")
        XCTAssertTrue(follow.contains("Votre demande est traitée par la mairie de Bron."), follow.body)

        let agent = guichet.browser()
        _ = try await agent.signIn("admin@metropole.demo.fr", password: "Guichet-Demo-2026!")
        let page = try await agent.get("/bo/metropole/demandes/\(number)")
        XCTAssertEqual(page.text(id: "traitee-par"), "Mairie de Bron — Services techniques (Éclairage public)")
        XCTAssertEqual(page.text(id: "affectation"), "Services techniques", "the routed service holds it from the start")

        // The same place, a pothole: roads are the Métropole's everywhere.
        let pothole = try await file(Self.report("voirie", lat: "45.7390", lon: "4.9130"), by: guichet.browser())
        XCTAssertEqual(pothole.status, .seeOther, pothole.body)
        let latest = try await guichet.store.sql.raw("SELECT routed_to, routed_service, category FROM demandes WHERE number <> \(bind: number) AND collectivite = 'metropole'")
            .all().map { [try $0.decode(column: "routed_to", as: String.self), try $0.decode(column: "routed_service", as: String.self), try $0.decode(column: "category", as: String.self)] }
        XCTAssertEqual(latest, [["metropole", "services-techniques", "voirie"]])
    }

    func testThePointWinsOverTheAddressAndTheAddressServesWithoutAPoint() async throws {
        // A point on place Bellecour with an address typed in Bron: the point says where the lamp is.
        let citizen = guichet.browser()
        let sent = try await file(Self.report("eclairage", lat: "45.7578", lon: "4.8320"), by: citizen)
        let receipt = try await citizen.get(try XCTUnwrap(sent.location))
        XCTAssertEqual(receipt.text(id: "traitee-par"), "Votre demande est traitée par la mairie de Lyon.")
        let other = guichet.browser()
        let noPoint = Self.report("eclairage", lat: "", lon: "", city: "Villeurbanne")
        let byAddress = try await file(noPoint, by: other)
        let addressReceipt = try await other.get(try XCTUnwrap(byAddress.location))
        XCTAssertEqual(addressReceipt.text(id: "traitee-par"), "Votre demande est traitée par la mairie de Villeurbanne.")
    }

    func testAPointOutsideTheTerritoryIsRefusedBesideTheMapAndFilesNothing() async throws {
        let citizen = guichet.browser()
        let refused = try await file(Self.report("voirie", lat: "48.8566", lon: "2.3522"), by: citizen)
        XCTAssertEqual(refused.status, .unprocessableEntity)
        XCTAssertEqual(refused.fieldErrors["emplacement"], Router.Refusal.outsideTerritory.message.replacingOccurrences(of: "'", with: "&#39;"))
        let outbox = try await guichet.outbox()
        XCTAssertTrue(outbox.isEmpty, "nothing filed, no receipt")
        let count = try await guichet.store.sql.raw("SELECT COUNT(*) AS n FROM demandes").first(decodingColumn: "n", as: Int.self)
        XCTAssertEqual(count, 0)

        // The API says the same, as RFC 7807 with the field's message.
        let api = guichet.browser()
        let problem = try await api.json(.POST, "/api/v1/collectivites/metropole/demarches/signalement-espace-public/demandes", ["data": [
            "categorie": "voirie", "description": "Nid-de-poule", "emplacement": ["lat": 48.8566, "lon": 2.3522],
            "adresse": ["street": "1 rue de Rivoli", "postcode": "75001", "city": "Paris"], "date_constat": "2026-11-02",
            "nom": "Léa Dupont", "email": "lea@exemple.fr", "consentement": true,
        ]])
        XCTAssertEqual(problem.status, .unprocessableEntity, problem.body)
        XCTAssertTrue(problem.body.contains("Ce point est en dehors de la Métropole de Lyon"), problem.body)
        let after = try await guichet.store.sql.raw("SELECT COUNT(*) AS n FROM demandes").first(decodingColumn: "n", as: Int.self)
        XCTAssertEqual(after, 0)
    }

    /// A commune's own démarche stays with it: routing is the Métropole's front door.
    func testACommunesOwnReportStaysWithIt() async throws {
        let citizen = guichet.browser()
        let form = "/c/caluire-et-cuire/demarches/signalement-espace-public"
        try await citizen.get(form)
        let fields = Self.report("voirie", lat: "45.7950", lon: "4.8460", city: "Caluire-et-Cuire")
        let sent = try await citizen.postMultipart(form, fields, files: [("photo", "lampadaire.png", Self.png)])
        XCTAssertEqual(sent.status, .seeOther, sent.body)
        let receipt = try await citizen.get(try XCTUnwrap(sent.location))
        XCTAssertEqual(receipt.text(id: "traitee-par"), "Votre demande est traitée par la mairie de Caluire-et-Cuire.")
    }
}

/// The Métropole's admins set the categories and rules; a commune's admin cannot; bad input changes nothing.
final class CompetenceAdministrationTests: XCTestCase {
    var guichet: TestGuichet!
    var admin: Browser!
    override func setUp() async throws {
        guichet = try await TestGuichet.make()
        admin = guichet.browser()
        _ = try await admin.signIn("admin@metropole.demo.fr", password: "Guichet-Demo-2026!")
    }
    override func tearDown() async throws { try await guichet.shutdown() }

    func testAnExceptionForLyonSendsLyonsLightingToTheMetropole() async throws {
        let page = try await admin.get("/bo/metropole/competences")
        XCTAssertEqual(page.status, .ok)
        XCTAssertTrue(page.contains("Éclairage public") && page.contains("Signaler un problème"), page.body)
        _ = try await admin.get("/bo/metropole/competences/eclairage-public")
        let saved = try await admin.post("/bo/metropole/competences/eclairage-public", [
            ("libelle", "Éclairage public"), ("niveau", "commune"), ("service", "services-techniques"), ("exceptions", "lyon"), ("exceptions", "paris")])
        XCTAssertEqual(saved.status, .seeOther, saved.body)
        let lighting = try await guichet.store.competenceCategories().first { $0.id == "eclairage-public" }
        XCTAssertEqual(lighting?.exceptions, ["lyon": .metropole], "an unknown commune is ignored")
        let listed = try await admin.get("/bo/metropole/competences")
        XCTAssertTrue(listed.contains("<td>Lyon</td>"), listed.body)

        let citizen = guichet.browser()
        try await citizen.get(CompetenceRoutingTests.form)
        let sent = try await citizen.postMultipart(CompetenceRoutingTests.form, CompetenceRoutingTests.report("eclairage", lat: "45.7578", lon: "4.8320"),
                                                   files: [("photo", "lampadaire.png", CompetenceRoutingTests.png)])
        let receipt = try await citizen.get(try XCTUnwrap(sent.location))
        XCTAssertEqual(receipt.text(id: "traitee-par"), "Votre demande est traitée par la Métropole de Lyon.", "the router was rebuilt")
    }

    func testARuleIsCheckedAddedMovedAndRemoved() async throws {
        _ = try await admin.get("/bo/metropole/competences")
        let before = try await guichet.store.routingRules()
        let bad = try await admin.post("/bo/metropole/competences/regles", [
            ("demarche", ""), ("condition", #"flux == "om""#), ("categorie", ""), ("cible", "competence")])
        XCTAssertEqual(bad.status, .unprocessableEntity)
        XCTAssertTrue(bad.fieldErrors["condition"]?.hasPrefix("Condition : ") == true, "\(bad.fieldErrors)")
        XCTAssertTrue(bad.contains("value=\"flux == &quot;om&quot;\""), "what was typed is kept")
        let unchanged = try await guichet.store.routingRules()
        XCTAssertEqual(unchanged, before)
        let added = try await admin.post("/bo/metropole/competences/regles", [
            ("demarche", "bac-de-collecte"), ("condition", #"flux == "biodechets" et commune_du_lieu == "Bron""#), ("categorie", ""),
            ("cible", "bron"), ("service", "accueil")])
        XCTAssertEqual(added.status, .seeOther, added.body)
        var rules = try await guichet.store.routingRules()
        XCTAssertEqual(rules.count, before.count + 1)
        XCTAssertEqual(rules.last?.target, .collectivite("bron"))
        let position = rules.count
        _ = try await admin.post("/bo/metropole/competences/regles/\(position)", [("action", "monter")])
        rules = try await guichet.store.routingRules()
        XCTAssertEqual(rules[position - 2].demarche, "bac-de-collecte", "moved up one place")
        _ = try await admin.post("/bo/metropole/competences/regles/\(position - 1)", [("action", "supprimer")])
        let after = try await guichet.store.routingRules()
        XCTAssertEqual(after, before)
        let missing = try await admin.post("/bo/metropole/competences/regles/99", [("action", "supprimer")])
        XCTAssertEqual(missing.status, .notFound)
    }

    func testABadCategoryIsRefusedAndACommunesAdminIsNotLetIn() async throws {
        _ = try await admin.get("/bo/metropole/competences/nouvelle")
        let bad = try await admin.post("/bo/metropole/competences/nouvelle", [("identifiant", "Voirie !"), ("libelle", ""), ("niveau", "commune")])
        XCTAssertEqual(bad.status, .unprocessableEntity)
        XCTAssertTrue(bad.contains("L&#39;identifiant de la catégorie doit être en minuscules"), bad.body)
        let duplicate = try await admin.post("/bo/metropole/competences/nouvelle", [("identifiant", "voirie"), ("libelle", "Voirie bis"), ("niveau", "commune")])
        XCTAssertTrue(duplicate.contains("Une catégorie porte déjà cet identifiant."))
        let categories = try await guichet.store.competenceCategories()
        XCTAssertEqual(categories.map(\.id), CompetenceCategory.defaults.map(\.id), "nothing saved")
        let created = try await admin.post("/bo/metropole/competences/nouvelle", [("identifiant", "mobilier-urbain"), ("libelle", "Mobilier urbain"), ("niveau", "metropole")])
        XCTAssertEqual(created.status, .seeOther)
        let withNew = try await guichet.store.competenceCategories()
        XCTAssertEqual(withNew.last?.id, "mobilier-urbain")

        let communeAdmin = guichet.browser()
        _ = try await communeAdmin.signIn("admin@caluire-et-cuire.demo.fr", password: "Guichet-Demo-2026!")
        let refused = try await communeAdmin.get("/bo/caluire-et-cuire/competences")
        XCTAssertEqual(refused.status, .forbidden)
        let refusedPost = try await communeAdmin.post("/bo/caluire-et-cuire/competences/regles", [("cible", "metropole")])
        XCTAssertEqual(refusedPost.status, .forbidden)
        let rules = try await guichet.store.routingRules()
        XCTAssertEqual(rules.count, 3, "the demo's rules, untouched")
    }
}
