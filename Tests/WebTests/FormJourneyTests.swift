import Foundation
import GuichetTestSupport
import SQLKit
import Storage
import Vapor
import XCTest

/// The journeys people broke (issue 14): going back through a multi-page form, coming back to the summary,
/// a one-page form keeping its file across an error, a form sent twice filing once, a form too large drawn again.
final class FormJourneyTests: XCTestCase {
    var guichet: TestGuichet!
    override func setUp() async throws { guichet = try await TestGuichet.make() }
    override func tearDown() async throws { try await guichet.shutdown() }

    static let subsidy = MultiPageFormTests.form
    static let report = CitizenFlowTests.form
    static let firstPage: [(String, String)] = [
        ("_page", "0"), ("action", "suivant"), ("association", "Les Amis du Parc"), ("rna", "W691234567"),
        ("adresse_siege.street", "3 place de la Mairie"), ("adresse_siege.postcode", "69300"), ("adresse_siege.city", "Caluire-et-Cuire"),
    ]

    func testGoingBackReachesTheFirstPageFromAnInvalidPageAndKeepsWhatWasTyped() async throws {
        let citizen = guichet.browser()
        try await citizen.get(Self.subsidy)
        try await citizen.postMultipart(Self.subsidy, Self.firstPage)
        // Page 2 half filled (an event without its dates): going back is not refused for it.
        let back = try await citizen.postMultipart(Self.subsidy, [("_page", "1"), ("action", "precedent"), ("objet", "evenement"),
                                                                 ("description", "Fête de quartier")])
        XCTAssertEqual(back.location, Self.subsidy + "?page=0", "the first page, named: a bare address resumes where the draft stopped")
        let first = try await citizen.get(try XCTUnwrap(back.location))
        XCTAssertTrue(first.contains("Étape 1 sur 4"))
        XCTAssertTrue(first.contains("value=\"Les Amis du Parc\""))
        // Forward again: page 2 shows what was typed before going back.
        let forward = try await citizen.postMultipart(Self.subsidy, Self.firstPage)
        XCTAssertEqual(forward.location, Self.subsidy + "?page=1")
        let second = try await citizen.get(Self.subsidy + "?page=1")
        XCTAssertTrue(second.contains("Fête de quartier"))
    }

    func testModifierFromTheSummaryGoesBackToTheSummary() async throws {
        let citizen = guichet.browser()
        let summary = try await citizen.get(try await walkToTheSummary(citizen))
        XCTAssertTrue(summary.contains("href=\"\(Self.subsidy)?page=2&amp;retour=recapitulatif\""))
        XCTAssertTrue(summary.contains("<dd>1\u{202F}000</dd>"), "numbers in French style: \(summary.body)")
        let civil = try await citizen.get("/c/caluire-et-cuire/demarches/acte-etat-civil")
        XCTAssertTrue(civil.contains("Entre 1 et 5."), "a number's limits are said before the error")
        let budget = try await citizen.get(Self.subsidy + "?page=2&retour=recapitulatif")
        XCTAssertTrue(budget.contains(">Revenir au récapitulatif</button>") && budget.contains("name=\"_retour\" value=\"recapitulatif\""))
        // An error keeps the way back to the summary; once fixed, the summary, not page 4.
        let wrong = try await citizen.postMultipart(Self.subsidy, [("_page", "2"), ("action", "suivant"), ("_retour", "recapitulatif"),
                                                                  ("budget", "1000"), ("montant", "900"), ("iban", "FR76 3000 6000 0112 3456 7890 189")])
        XCTAssertEqual(wrong.status, .unprocessableEntity)
        XCTAssertTrue(wrong.contains(">Revenir au récapitulatif</button>"))
        let fixed = try await citizen.postMultipart(Self.subsidy, [("_page", "2"), ("action", "suivant"), ("_retour", "recapitulatif"),
                                                                  ("budget", "1000"), ("montant", "600"), ("iban", "FR76 3000 6000 0112 3456 7890 189")])
        XCTAssertEqual(fixed.location, Self.subsidy + "?etape=recapitulatif")
    }

    func testAOnePageFormKeepsItsPhotoAcrossAnError() async throws {
        let citizen = guichet.browser()
        try await citizen.get(Self.report)
        let incomplete = CitizenFlowTests.valid.filter { $0.0 != "description" }
        let refused = try await citizen.postMultipart(Self.report, incomplete, files: [("photo", "lampadaire.png", CitizenFlowTests.png)])
        XCTAssertEqual(refused.status, .unprocessableEntity)
        XCTAssertEqual(refused.fieldErrors["description"], "Ce champ est obligatoire.")
        XCTAssertTrue(refused.contains("Déjà joint : lampadaire.png"))
        // Sent again without choosing the photo: the request has it.
        let sent = try await citizen.postMultipart(Self.report, CitizenFlowTests.valid)
        XCTAssertEqual(sent.status, .seeOther)
        let sentReceipt = try await citizen.get(try XCTUnwrap(sent.location))
        let number = try XCTUnwrap(sentReceipt.text(id: "numero"))
        let scope = try await caluire()
        let detail = try await guichet.store.demande(number: number, in: scope)
        XCTAssertEqual(detail?.files.map(\.filename), ["lampadaire.png"])
        // A new file chosen for the question replaces the kept one.
        let other = guichet.browser()
        try await other.get(Self.report)
        try await other.postMultipart(Self.report, incomplete, files: [("photo", "avant.png", CitizenFlowTests.png)])
        let replaced = try await other.postMultipart(Self.report, CitizenFlowTests.valid, files: [("photo", "apres.png", CitizenFlowTests.png)])
        let replacedReceipt = try await other.get(try XCTUnwrap(replaced.location))
        let second = try XCTUnwrap(replacedReceipt.text(id: "numero"))
        let replacedDetail = try await guichet.store.demande(number: second, in: scope)
        XCTAssertEqual(replacedDetail?.files.map(\.filename), ["apres.png"])
    }

    func testTheSameOnePageFormSentTwiceFilesOneRequest() async throws {
        let citizen = guichet.browser()
        let form = try await citizen.get(Self.report)
        let token = try XCTUnwrap(form.inputValue(name: "_envoi"))
        let first = try await citizen.postMultipart(Self.report, CitizenFlowTests.valid + [("_envoi", token)])
        let receipt = try await citizen.get(try XCTUnwrap(first.location))
        XCTAssertNotNil(receipt.text(id: "code-suivi"))
        // Back, then « Envoyer » again: the same page's token.
        let again = try await citizen.postMultipart(Self.report, CitizenFlowTests.valid + [("_envoi", token)])
        XCTAssertEqual(again.location, first.location)
        let second = try await citizen.get(try XCTUnwrap(again.location))
        XCTAssertEqual(second.status, .ok)
        XCTAssertTrue(second.contains("votre demande a été enregistrée une seule fois"))
        let count0 = try await requestCount()
        XCTAssertEqual(count0, 1)
        let mails = try await guichet.outbox()
        XCTAssertEqual(mails.count, 1, "one receipt")
        // A new drawing of the form is a new submission.
        let next = try await citizen.get(Self.report)
        XCTAssertNotEqual(next.inputValue(name: "_envoi"), token)
        try await citizen.postMultipart(Self.report, CitizenFlowTests.valid + [("_envoi", try XCTUnwrap(next.inputValue(name: "_envoi")))])
        let two = try await requestCount()
        XCTAssertEqual(two, 2)
    }

    func testTwoSendingsAtOnceFileOneRequest() async throws {
        let citizen = guichet.browser()
        let form = try await citizen.get(Self.report)
        let token = try XCTUnwrap(form.inputValue(name: "_envoi"))
        let answers = try await withThrowingTaskGroup(of: String?.self) { group in
            for _ in 0..<4 { group.addTask { try await citizen.postMultipart(Self.report, CitizenFlowTests.valid + [("_envoi", token)]).location } }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        XCTAssertEqual(Set(answers).count, 1, "every sending lands on the one receipt: \(answers)")
        let count1 = try await requestCount()
        XCTAssertEqual(count1, 1)
    }

    func testTheSummarySentAgainShowsTheFirstReceipt() async throws {
        let citizen = guichet.browser()
        let summary = try await citizen.get(try await walkToTheSummary(citizen))
        let token = try XCTUnwrap(summary.inputValue(name: "_envoi"))
        let sent = try await citizen.post(Self.subsidy, [("action", "envoyer"), ("_envoi", token)])
        try await citizen.get(try XCTUnwrap(sent.location))
        // The answers are gone with the filing; the same summary sent again is not an empty, invalid step 1.
        let again = try await citizen.post(Self.subsidy, [("action", "envoyer"), ("_envoi", token)])
        XCTAssertEqual(again.location, sent.location)
        let count2 = try await requestCount()
        XCTAssertEqual(count2, 1)
    }

    func testAFormOverTheWholeLimitIsDrawnAgainWithWhatWasKept() async throws {
        guichet.app.routes.defaultMaxBodySize = "64kb"
        let citizen = guichet.browser()
        try await citizen.get(Self.subsidy)
        try await citizen.postMultipart(Self.subsidy, Self.firstPage)
        try await citizen.postMultipart(Self.subsidy, [("_page", "1"), ("action", "suivant"), ("objet", "fonctionnement"), ("description", "Activités")])
        let big = MultiPageFormTests.pdf + [UInt8](repeating: 0x20, count: 100_000)
        let tooLarge = try await citizen.postMultipart(Self.subsidy + "?page=2", [("_page", "2"), ("action", "suivant"), ("budget", "1000")],
                                                       files: [("statuts", "statuts.pdf", big)])
        XCTAssertEqual(tooLarge.status, .payloadTooLarge)
        XCTAssertTrue(tooLarge.contains("Étape 3 sur 4"), "the page it came from, in the form")
        XCTAssertTrue(tooLarge.contains("L&#39;envoi dépasse 64 Ko") || tooLarge.contains("L'envoi dépasse 64 Ko"), tooLarge.body)
        XCTAssertTrue(tooLarge.contains("Formats acceptés : PDF"), "the limits are said on the field")
        // Nothing changed: the earlier pages are kept, this one was not read.
        let second = try await citizen.get(Self.subsidy + "?page=1")
        XCTAssertTrue(second.contains("Activités"))
        let third = try await citizen.get(Self.subsidy + "?page=2")
        XCTAssertFalse(third.contains("value=\"1000\""))
    }

    func testTheAPIFilesOncePerIdempotencyKey() async throws {
        let api = guichet.browser()
        let path = "/api/v1/collectivites/caluire-et-cuire/demarches/signalement-espace-public/demandes"
        let body: [String: Any] = ["data": ["categorie": "eclairage", "description": "Lampadaire éteint", "date_constat": "2026-11-02",
                                   "adresse": ["street": "12 rue Pasteur", "postcode": "69300", "city": "Caluire-et-Cuire"],
                                   "nom": "Jeanne Martin", "email": "jeanne@exemple.fr", "consentement": true] as [String: Any]]
        let key: HTTPHeaders = ["Idempotency-Key": "5f0c2a4e-7d1b-4c3a-9e8f-0a1b2c3d4e5f"]
        let first = try await api.json(.POST, path, body, headers: key)
        XCTAssertEqual(first.status, .created, first.body)
        let again = try await api.json(.POST, path, body, headers: key)
        XCTAssertEqual(again.status, .conflict)
        XCTAssertEqual(again.location, first.location)
        XCTAssertEqual(again.headers.contentType?.description.hasPrefix("application/problem+json"), true)
        let count3 = try await requestCount()
        XCTAssertEqual(count3, 1)
        let bad = try await api.json(.POST, path, body, headers: ["Idempotency-Key": "court"])
        XCTAssertEqual(bad.status, .badRequest)
        let count4 = try await requestCount()
        XCTAssertEqual(count4, 1)
        let unkeyed = try await api.json(.POST, path, body)
        XCTAssertEqual(unkeyed.status, .created, "without a key, every call files")
    }

    /// Fills the four pages of the subsidy form validly; returns the summary's address.
    func walkToTheSummary(_ citizen: Browser) async throws -> String {
        try await citizen.get(Self.subsidy)
        try await citizen.postMultipart(Self.subsidy, Self.firstPage)
        try await citizen.postMultipart(Self.subsidy, [("_page", "1"), ("action", "suivant"), ("objet", "fonctionnement"), ("description", "Activités")])
        try await citizen.postMultipart(Self.subsidy, [("_page", "2"), ("action", "suivant"), ("budget", "1000"), ("montant", "500"),
                                                       ("iban", "FR76 3000 6000 0112 3456 7890 189")],
                                        files: [("statuts", "statuts.pdf", MultiPageFormTests.pdf)])
        let done = try await citizen.postMultipart(Self.subsidy, [("_page", "3"), ("action", "suivant"), ("nom", "Paul Durand"),
                                                                 ("fonction", "president"), ("email", "paul@exemple.fr"), ("engagement", "on")])
        return try XCTUnwrap(done.location)
    }

    func caluire() async throws -> TenantScope {
        try await XCTUnwrapAsync(try await guichet.agentScope("agent@caluire-et-cuire.demo.fr", "caluire-et-cuire"))
    }

    func requestCount() async throws -> Int {
        try await (guichet.app.db as! any SQLDatabase).raw("SELECT COUNT(*) AS n FROM demandes").first(decodingColumn: "n", as: Int.self) ?? 0
    }
}
