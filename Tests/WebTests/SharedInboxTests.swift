import Foundation
import GuichetTestSupport
@testable import Storage
import Vapor
import XCTest

/// The relay into a commune's own back-office (issue 16): a request filed with the Métropole that Bron, a
/// *partenaire*, answers for is the same request in Bron's inbox, processed there; the Métropole reads it and no
/// longer acts; no third commune sees it; a re-route takes it back.
final class SharedInboxTests: XCTestCase {
    var guichet: TestGuichet!
    override func setUp() async throws { guichet = try await TestGuichet.make() }
    override func tearDown() async throws { try await guichet.shutdown() }

    typealias Routing = CompetenceRoutingTests

    func fileInBron(_ category: String = "eclairage") async throws -> String {
        let citizen = guichet.browser()
        try await citizen.get(Routing.form)
        let sent = try await citizen.postMultipart(Routing.form, Routing.report(category, lat: "45.7390", lon: "4.9130"),
                                                   files: [("photo", "lampadaire.png", Routing.png)])
        XCTAssertEqual(sent.status, .seeOther, sent.body)
        let receipt = try await citizen.get(try XCTUnwrap(sent.location))
        return try XCTUnwrap(receipt.text(id: "numero"))
    }

    func status(of number: String) async throws -> String? {
        try await guichet.store.sql.raw("SELECT status FROM demandes WHERE number = \(bind: number)").first(decodingColumn: "status", as: String.self)
    }

    func testBronProcessesInItsOwnInboxWhatTheMetropoleReceivedAndTheMetropoleReads() async throws {
        let number = try await fileInBron()
        XCTAssertTrue(number.hasPrefix("MET-"), "the same request, the same number")
        let outbox = try await guichet.outbox()
        XCTAssertFalse(outbox.contains { $0.to == "accueil-mairie@ville-bron.fr" }, "a commune with a back-office gets no e-mail relay")

        let bron = guichet.browser()
        _ = try await bron.signIn("agent@bron.demo.fr", password: "Guichet-Demo-2026!")
        let own = try await bron.get("/bo/bron/demandes")
        XCTAssertFalse(own.contains(number))
        let shared = try await bron.get("/bo/bron/demandes?origine=metropole")
        XCTAssertTrue(shared.contains("/bo/bron/demandes/\(number)"), shared.body)
        XCTAssertTrue(shared.contains("Reçue"), "the status by its label, from the Métropole's workflow")
        let page = try await bron.get("/bo/bron/demandes/\(number)")
        XCTAssertEqual(page.status, .ok)
        XCTAssertTrue(page.contains("<div class=\"notice\" id=\"partage\"><p>Demande reçue par la Métropole de Lyon et transmise à votre commune"), page.body)
        XCTAssertTrue(page.contains("value=\"prendre\""), "Bron's agent acts on it")
        _ = try await bron.get("/bo/bron/demandes/\(number)")
        let scope = try await XCTUnwrapAsync(try await guichet.store.operatorScope(slug: "metropole"))
        var detail = try await XCTUnwrapAsync(try await guichet.store.demande(number: number, in: scope))
        XCTAssertEqual(detail.events.filter { $0.kind == "relay_acknowledged" }.map(\.body), ["Ouverte par la mairie de Bron."], "once")
        let taken = try await bron.post("/bo/bron/demandes/\(number)/transition", [("transition", "prendre")])
        XCTAssertEqual(taken.status, .seeOther, taken.body)
        let taken2 = try await status(of: number)
        XCTAssertEqual(taken2, "en_cours")

        // The Métropole reads it, the shared history included, and cannot act any more.
        let metropole = guichet.browser()
        _ = try await metropole.signIn("admin@metropole.demo.fr", password: "Guichet-Demo-2026!")
        let read = try await metropole.get("/bo/metropole/demandes/\(number)")
        XCTAssertTrue(read.contains("<div class=\"notice\" id=\"partage\"><p>Transmise à la mairie de Bron, compétente"), read.body)
        XCTAssertFalse(read.contains("/transition\""), "no button for the Métropole")
        XCTAssertTrue(read.contains("Bastien Agent (Bron)"), "Bron's step in the history the Métropole sees")
        let forced = try await metropole.post("/bo/metropole/demandes/\(number)/transition", [("transition", "resoudre")])
        XCTAssertEqual(forced.status, .conflict)
        let unchanged = try await status(of: number)
        XCTAssertEqual(unchanged, "en_cours")

        // Another commune sees nothing of it.
        let caluire = guichet.browser()
        _ = try await caluire.signIn("agent@caluire-et-cuire.demo.fr", password: "Guichet-Demo-2026!")
        let elsewhere = try await caluire.get("/bo/caluire-et-cuire/demandes/\(number)")
        XCTAssertEqual(elsewhere.status, .notFound)
        let theirs = try await caluire.get("/bo/caluire-et-cuire/demandes?origine=metropole")
        XCTAssertFalse(theirs.contains(number))
        let file = try await caluire.get("/bo/caluire-et-cuire/demandes/\(number)/fichiers/\(try XCTUnwrap(detail.files.first?.id))")
        XCTAssertEqual(file.status, .notFound)

        // A re-route to the Métropole's roads takes it back: Bron no longer holds it, the Métropole acts again.
        _ = try await metropole.post("/bo/metropole/demandes/\(number)/reorienter", [("categorie", "voirie"), ("lieu", "")])
        let gone = try await bron.get("/bo/bron/demandes/\(number)")
        XCTAssertEqual(gone.status, .notFound)
        detail = try await XCTUnwrapAsync(try await guichet.store.demande(number: number, in: scope))
        XCTAssertNil(detail.sharedWith)
        let again = try await metropole.get("/bo/metropole/demandes/\(number)")
        XCTAssertTrue(again.contains("value=\"resoudre\""), again.body)
    }

    func testAnAgentOfAnotherServiceDoesNotSeeTheSharedRequest() async throws {
        let number = try await fileInBron()
        try await guichet.store.sql.raw("""
            DELETE FROM agent_roles WHERE role <> 'etat-civil' AND account_id = (SELECT id FROM accounts WHERE email = 'agent@bron.demo.fr')
            """).run()
        let bron = guichet.browser()
        _ = try await bron.signIn("agent@bron.demo.fr", password: "Guichet-Demo-2026!")
        let shared = try await bron.get("/bo/bron/demandes?origine=metropole")
        XCTAssertFalse(shared.contains(number), "routed to Bron's technical services, not its civil status office")
        let page = try await bron.get("/bo/bron/demandes/\(number)")
        XCTAssertEqual(page.status, .notFound)
    }
}
