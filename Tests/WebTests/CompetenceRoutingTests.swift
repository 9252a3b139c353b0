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
