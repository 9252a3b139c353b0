import Demarches
import Foundation
import GuichetTestSupport
import Vapor
import XCTest

final class APITests: XCTestCase {
    var guichet: TestGuichet!
    override func setUp() async throws { guichet = try await TestGuichet.make() }
    override func tearDown() async throws { try await guichet.shutdown() }

    static let path = "/api/v1/collectivites/caluire-et-cuire/demarches/occupation-domaine-public/demandes"
    nonisolated(unsafe) static let valid: [String: Any] = [
        "motif": "demenagement", "adresse": ["street": "3 chemin de Wette", "postcode": "69300", "city": "Caluire-et-Cuire"],
        "date_debut": "2026-12-01", "date_fin": "2026-12-02", "surface": 12.5, "places": 2, "nom": "Léa Dupont",
        "email": "lea@exemple.fr", "telephone": "+33 6 12 34 56 78",
        "plan": [["filename": "plan.pdf", "content_base64": Data("%PDF-1.4 plan".utf8).base64EncodedString()]],
    ]

    func json(_ page: Browser.Page) throws -> [String: Any] {
        try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(page.body.utf8)) as? [String: Any])
    }

    func testCatalogue() async throws {
        let api = guichet.browser()
        let list = try JSONSerialization.jsonObject(with: Data(try await api.get("/api/v1/collectivites").body.utf8)) as? [[String: Any]]
        XCTAssertEqual(list?.count, 59)
        let demarches = try JSONSerialization.jsonObject(with: Data(try await api.get("/api/v1/collectivites/caluire-et-cuire/demarches").body.utf8)) as? [[String: Any]]
        XCTAssertEqual(Set(demarches?.compactMap { $0["slug"] as? String } ?? []), Set(DemoCatalogue.communeDemarches))
        let definition = try json(try await api.get("/api/v1/collectivites/caluire-et-cuire/demarches/occupation-domaine-public"))
        XCTAssertEqual(definition["version"] as? Int, 1)
        let fields = (definition["form"] as? [String: Any])?["fields"] as? [[String: Any]]
        XCTAssertEqual(fields?.first { $0["id"] as? String == "surface" }?["max"] as? Int, 500)
        let missing = try await api.get("/api/v1/collectivites/albigny-sur-saone/demarches")
        XCTAssertEqual(missing.status, .notFound)
        XCTAssertEqual(missing.headers.first(name: .contentType), "application/problem+json; charset=utf-8")
        let spec = try json(try await api.get("/api/openapi.json"))
        XCTAssertEqual(spec["openapi"] as? String, "3.0.3")
    }

    func testFilingAndFollowing() async throws {
        let api = guichet.browser()
        let created = try await api.json(.POST, Self.path, ["data": Self.valid])
        XCTAssertEqual(created.status, .created, created.body)
        let body = try json(created)
        let number = try XCTUnwrap(body["number"] as? String)
        let code = try XCTUnwrap(body["tracking_code"] as? String)
        XCTAssertEqual(created.location, "/api/v1/demandes/\(number)")

        let followed = try await api.get("/api/v1/demandes/\(number)", headers: ["X-Tracking-Code": code])
        XCTAssertEqual(followed.status, .ok)
        let demande = try json(followed)
        XCTAssertEqual(demande["status_label"] as? String, "Déposée")
        let data = try XCTUnwrap(demande["data"] as? [String: Any])
        XCTAssertEqual(data["surface"] as? Double, 12.5)
        XCTAssertEqual(data["telephone"] as? String, "06 12 34 56 78")
        XCTAssertEqual((data["plan"] as? [[String: Any]])?.first?["content_type"] as? String ?? (data["plan"] as? [[String: Any]])?.first?["contentType"] as? String, "application/pdf")
        let value1 = try await api.get("/api/v1/demandes/\(number)", headers: ["X-Tracking-Code": "ZZZZ-ZZZZ"]).status
        XCTAssertEqual(value1, .notFound)
        let value2 = try await api.get("/api/v1/demandes/\(number)").status
        XCTAssertEqual(value2, .notFound)
    }

    /// The multi-page démarche in one JSON body: the same conditions, page checks and computed fields apply.
    func testTheAPIAppliesTheFormsLogic() async throws {
        let api = guichet.browser()
        let path = "/api/v1/collectivites/caluire-et-cuire/demarches/subvention-association/demandes"
        var data: [String: Any] = [
            "association": "Les Amis du Parc", "rna": "W691234567", "a_siret": false,
            "adresse_siege": ["street": "3 place de la Mairie", "postcode": "69300", "city": "Caluire-et-Cuire"],
            "objet": "evenement", "evenement_dates": ["start": "2027-06-20", "end": "2027-06-21"], "evenement_lieu": "Parc",
            "description": "Fête", "budget": 1000, "montant": 900, "iban": "FR7630006000011234567890189",
            "statuts": [["filename": "statuts.pdf", "content_base64": Data("%PDF-1.4 s".utf8).base64EncodedString()]],
            "nom": "Paul Durand", "fonction": "president", "email": "paul@exemple.fr", "engagement": true,
            "siret": "not asked, ignored",
        ]
        let refused = try await api.json(.POST, path, ["data": data])
        XCTAssertEqual(refused.status, .unprocessableEntity)
        XCTAssertEqual((try json(refused)["errors"] as? [String: String])?["p_budget"], "La subvention demandée ne peut pas dépasser 80 % du budget du projet.")
        data["montant"] = 500
        let created = try await api.json(.POST, path, ["data": data])
        XCTAssertEqual(created.status, .created, created.body)
        let body = try json(created)
        let followed = try json(try await api.get("/api/v1/demandes/\(body["number"] as! String)", headers: ["X-Tracking-Code": body["tracking_code"] as! String]))
        let stored = try XCTUnwrap(followed["data"] as? [String: Any])
        XCTAssertEqual(stored["evenement_dates"] as? [String: String], ["start": "2027-06-20", "end": "2027-06-21"])
        XCTAssertEqual(stored["taux"] as? Double, 50)
        XCTAssertEqual(stored["iban"] as? String, "FR76 3000 6000 0112 3456 7890 189")
        XCTAssertNil(stored["siret"])
    }

    func testInvalidSubmissionsGetProblemDetailsPerFieldAndChangeNothing() async throws {
        let api = guichet.browser()
        var bad = Self.valid
        bad["surface"] = 0
        bad["places"] = 1.5
        bad["email"] = "pas-un-mail"
        bad["date_fin"] = "demain"
        bad["adresse"] = ["street": "", "postcode": "69300", "city": "Caluire"]
        bad["plan"] = [["filename": "plan.pdf", "content_base64": Data("MZ".utf8).base64EncodedString()]]
        let page = try await api.json(.POST, Self.path, ["data": bad])
        XCTAssertEqual(page.status, .unprocessableEntity)
        XCTAssertEqual(page.headers.first(name: .contentType), "application/problem+json; charset=utf-8")
        let problem = try json(page)
        XCTAssertEqual(problem["status"] as? Int, 422)
        XCTAssertEqual(problem["errors"] as? [String: String], [
            "surface": "Le nombre doit être supérieur ou égal à 1.",
            "places": "Saisissez un nombre entier.",
            "email": "Saisissez une adresse e-mail valide, par exemple nom@exemple.fr.",
            "date_fin": "Saisissez une date valide, par exemple 21/03/2026.",
            "adresse": "Indiquez le numéro et le nom de la voie.",
            "plan": "Ce type de fichier n'est pas accepté (formats acceptés : PDF, JPEG, PNG).",
        ])
        let value3 = try await api.json(.POST, Self.path, ["data": ["motif": ["bad": ["nested"]]]]).status
        XCTAssertEqual(value3, .unprocessableEntity)
        let value4 = try await api.json(.POST, Self.path, ["pas_data": 1]).status
        XCTAssertEqual(value4, .badRequest)
        let value5 = try await api.get(Self.path).status
        XCTAssertEqual(value5, .notFound)
        let admin = try await XCTUnwrapAsync(try await guichet.agentScope("admin@caluire-et-cuire.demo.fr", "caluire-et-cuire"))
        let total = try await guichet.store.inbox(.init(), in: admin).total
        XCTAssertEqual(total, 0)
    }

    func testTheAgentAPIActsWithTheTokensRolesInItsCollectiviteOnly() async throws {
        let api = guichet.browser()
        let caluire = try json(try await api.json(.POST, Self.path, ["data": Self.valid]))["number"] as! String
        var bronRequest = Self.valid; bronRequest["adresse"] = ["street": "1 rue", "postcode": "69500", "city": "Bron"]
        let bron = try json(try await api.json(.POST, "/api/v1/collectivites/bron/demarches/occupation-domaine-public/demandes", ["data": bronRequest]))["number"] as! String

        let agent = guichet.browser()
        _ = try await agent.signIn("agent@caluire-et-cuire.demo.fr", password: "Guichet-Demo-2026!")
        try await agent.get("/bo/caluire-et-cuire/jetons")
        let tokenPage = try await agent.post("/bo/caluire-et-cuire/jetons", [("libelle", "Connecteur"), ("acces", "ecriture"), ("duree", "90")])
        let token = try XCTUnwrap(tokenPage.text(id: "jeton"))
        let auth: HTTPHeaders = ["Authorization": "Bearer \(token)"]

        let value6 = try await api.get("/api/v1/agent/demandes").status
        XCTAssertEqual(value6, .unauthorized)
        let value7 = try await api.get("/api/v1/agent/demandes", headers: ["Authorization": "Bearer faux"]).status
        XCTAssertEqual(value7, .unauthorized)
        let list = try json(try await api.get("/api/v1/agent/demandes?status=deposee&page_size=10", headers: auth))
        XCTAssertEqual((list["items"] as? [[String: Any]])?.compactMap { $0["number"] as? String }, [caluire])
        let value8 = try await api.get("/api/v1/agent/demandes?page_size=0", headers: auth).status
        XCTAssertEqual(value8, .badRequest)
        // Days in Lyon, both ends included, as in the back-office.
        let today = FrenchDayFormat.iso(Date())
        let sameDay = try json(try await api.get("/api/v1/agent/demandes?submitted_from=\(today)&submitted_to=\(today)", headers: auth))
        XCTAssertEqual(sameDay["total"] as? Int, 1)
        let before = try json(try await api.get("/api/v1/agent/demandes?submitted_to=2000-01-01", headers: auth))
        XCTAssertEqual(before["total"] as? Int, 0)
        let badDay = try await api.get("/api/v1/agent/demandes?submitted_to=2026-02-30", headers: auth)
        XCTAssertEqual(badDay.status, .badRequest)
        XCTAssertNotNil((try json(badDay)["errors"] as? [String: String])?["submitted_to"])
        let value9 = try await api.get("/api/v1/agent/demandes/\(bron)", headers: auth).status
        XCTAssertEqual(value9, .notFound)
        let value10 = try await api.json(.POST, "/api/v1/agent/demandes/\(bron)/transitions", ["transition": "instruire"], headers: auth).status
        XCTAssertEqual(value10, .notFound)

        let moved = try await api.json(.POST, "/api/v1/agent/demandes/\(caluire)/transitions", ["transition": "instruire"], headers: auth)
        XCTAssertEqual(moved.status, .ok, moved.body)
        XCTAssertEqual(try json(moved)["status"] as? String, "instruction")
        let refused = try await api.json(.POST, "/api/v1/agent/demandes/\(caluire)/transitions", ["transition": "instruire"], headers: auth)
        XCTAssertEqual(refused.status, .conflict)
        XCTAssertEqual(try json(refused)["detail"] as? String, "Cette action n'est pas possible dans le statut actuel de la demande.")
    }
}

/// Today as Lyon writes it in ISO form, for day filters.
enum FrenchDayFormat {
    static func iso(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "Europe/Paris")!
        let c = calendar.dateComponents([.year, .month, .day], from: date)
        return String(format: "%04d-%02d-%02d", c.year!, c.month!, c.day!)
    }
}
