import Foundation
import GuichetTestSupport
import Vapor
import XCTest

/// The citizen's documents without an account (issue 14, item 2): the follow-up page opened by number and code
/// links the attestation and the files, for that visitor only; a citizen who signs up later attaches their
/// earlier requests, by number and code or by their confirmed address.
final class FollowUpTests: XCTestCase {
    var guichet: TestGuichet!
    override func setUp() async throws { guichet = try await TestGuichet.make() }
    override func tearDown() async throws { try await guichet.shutdown() }

    /// A subsidy filed without an account and granted, so it has its attestation.
    func granted() async throws -> (number: String, code: String) {
        let filed = try await WorkflowFlowTests.fileSubsidy(in: guichet)
        let agent = guichet.browser()
        try await agent.signIn("agent@caluire-et-cuire.demo.fr", password: "Guichet-Demo-2026!")
        let url = "/bo/caluire-et-cuire/demandes/\(filed.number)"
        try await agent.get(url)
        try await agent.post(url + "/transition", [("transition", "instruire")])
        let done = try await agent.post(url + "/transition", [("transition", "accorder"), ("confirmer", "oui")])
        XCTAssertEqual(done.status, .seeOther)
        return filed
    }

    func links(_ page: Browser.Page, under prefix: String) -> [String] {
        page.body.matches(of: try! Regex("href=\"(\(prefix)[^\"]+)\"")).compactMap { $0.output[1].substring.map(String.init) }
    }

    func testTheFollowUpOpenedByNumberAndCodeLinksTheAttestationForThatVisitorOnly() async throws {
        let (number, code) = try await granted()
        let citizen = guichet.browser()
        try await citizen.get("/suivi")
        let page = try await citizen.post("/suivi", [("numero", number), ("code", code)])
        XCTAssertFalse(page.contains("href=\"\""), "no empty link")
        XCTAssertFalse(page.contains("depuis votre compte"))
        let files = links(page, under: "/suivi/\(number)/fichiers/")
        XCTAssertEqual(files.count, 2, "the attestation and the statutes: \(page.body)")
        let attestation = try await citizen.get(files[0])
        XCTAssertEqual(attestation.status, .ok)
        XCTAssertEqual(attestation.headers.contentType?.subType, "pdf")
        // Another visitor, without the code: nothing.
        let stranger = guichet.browser()
        let refused = try await stranger.get(files[0])
        XCTAssertEqual(refused.status, .notFound)
        let noAcknowledgement = try await stranger.get("/suivi/\(number)/accuse.pdf")
        XCTAssertEqual(noAcknowledgement.status, .notFound)
        let acknowledgement = try await citizen.get("/suivi/\(number)/accuse.pdf")
        XCTAssertTrue(acknowledgement.body.hasPrefix("%PDF-"))
        let asked = try await stranger.get("/suivi/\(number)")
        XCTAssertEqual(asked.location, "/suivi?numero=\(number)", "the code is asked")
        // The same visitor comes back to the page without typing the code again.
        let again = try await citizen.get("/suivi/\(number)")
        XCTAssertEqual(again.status, .ok)
        XCTAssertEqual(again.text(id: "statut"), "Subvention accordée")
    }

    func testASignedInCitizenAttachesARequestProvedByItsCode() async throws {
        let (number, code) = try await granted()
        let citizen = guichet.browser()
        try await citizen.signIn("usager@demo.fr", password: "Guichet-Demo-2026!")
        let before = try await citizen.get("/compte/demandes/\(number)")
        XCTAssertEqual(before.status, .notFound, "not theirs yet")
        try await citizen.get("/suivi")
        let page = try await citizen.post("/suivi", [("numero", number), ("code", code)])
        XCTAssertTrue(page.contains("Rattacher à mon compte"))
        let attached = try await citizen.post("/suivi/\(number)/rattacher", [])
        XCTAssertEqual(attached.location, "/compte/demandes/\(number)")
        let mine = try await citizen.get("/compte/demandes/\(number)")
        XCTAssertEqual(mine.status, .ok)
        XCTAssertEqual(links(mine, under: "/compte/demandes/\(number)/fichiers/").count, 2)
        // Held by an account now: nobody else attaches it, even with the code.
        let other = guichet.browser()
        try await other.signIn("agent@bron.demo.fr", password: "Guichet-Demo-2026!")
        try await other.get("/suivi")
        let seen = try await other.post("/suivi", [("numero", number), ("code", code)])
        XCTAssertFalse(seen.contains("Rattacher à mon compte"))
        let refused = try await other.post("/suivi/\(number)/rattacher", [])
        XCTAssertEqual(refused.location, "/suivi/\(number)")
        let theirs = try await other.get("/compte/demandes/\(number)")
        XCTAssertEqual(theirs.status, .notFound)
    }

    func testAConfirmedAccountGathersTheRequestsFiledWithItsAddress() async throws {
        let (number, _) = try await granted()   // filed by paul@exemple.fr
        let browser = guichet.browser()
        try await browser.get("/compte/inscription")
        try await browser.post("/compte/inscription", [("name", "Paul Durand"), ("email", "Paul@Exemple.fr"), ("password", "Correct-Cheval-9")])
        let mails = try await guichet.outbox()
        let text = try XCTUnwrap(mails.first { $0.subject == "Confirmez votre adresse e-mail" }).text
        let confirm = try XCTUnwrap(text.firstMatch(of: /http:\/\/127\.0\.0\.1:8080(\/compte\/confirmer\?jeton=[A-Za-z0-9_-]+)/)).1
        try await browser.get(String(confirm))
        try await browser.signIn("paul@exemple.fr", password: "Correct-Cheval-9")
        let home = try await browser.get("/compte")
        XCTAssertTrue(home.contains("Une demande a été déposée sans compte avec votre adresse"), home.body)
        let gathered = try await browser.post("/compte/rattacher", [])
        XCTAssertEqual(gathered.location, "/compte")
        let after = try await browser.get("/compte")
        XCTAssertTrue(after.contains("href=\"/compte/demandes/\(number)\""))
        XCTAssertFalse(after.contains("déposée sans compte avec votre adresse"))
    }
}
