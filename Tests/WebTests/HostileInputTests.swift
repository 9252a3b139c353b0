import Demarches
import Foundation
import GuichetTestSupport
import Storage
import Vapor
@testable import WebSupport
import XCTest

/// Numbers people can type or post reach arithmetic only once bounded: no input may stop the process.
final class HostileInputTests: XCTestCase {
    /// `?page=9223372036854775807` on the inbox used to overflow the offset and stop the whole server.
    func testAnyInboxPageNumberIsAnswered() async throws {
        let guichet = try await TestGuichet.make()
        let agent = guichet.browser()
        _ = try await agent.signIn("agent@caluire-et-cuire.demo.fr", password: "Guichet-Demo-2026!")
        for page in ["9223372036854775807", "-9223372036854775808", "0", "-1", "abc", "1e9"] {
            let inbox = try await agent.get("/bo/caluire-et-cuire/demandes?page=\(page)")
            XCTAssertEqual(inbox.status, .ok, "page=\(page)")
        }
        let last = try await agent.get("/bo/caluire-et-cuire/demandes?page=9223372036854775807")
        XCTAssertTrue(last.contains("Page \(InboxQuery.pages.upperBound) sur"), "the page asked is shown as the last one the inbox answers")
        let health = try await guichet.browser().get("/healthz").status
        XCTAssertEqual(health, .ok, "the server still answers")
        try await guichet.shutdown()
    }

    /// Forms without files take a small body: nobody makes the server read 20 MB of a sign-in or a follow-up.
    func testFormsWithoutFilesTakeASmallBody() async throws {
        let guichet = try await TestGuichet.make()
        let browser = guichet.browser()
        try await browser.get("/suivi")
        let padding = String(repeating: "x", count: 100_000)
        for path in ["/compte/connexion", "/suivi", "/compte/mot-de-passe-oublie"] {
            let page = try await browser.post(path, [("email", "a@b.fr"), ("numero", "CAL-2026-000001"), ("code", padding)])
            XCTAssertEqual(page.status, .payloadTooLarge, path)
            XCTAssertTrue(page.contains("64 Ko au plus"), path)
        }
        // A démarche's form, with its files, still takes a large one (refused here for its content, not its size).
        let form = try await browser.post("/c/caluire-et-cuire/demarches/signalement-espace-public", [("description", padding)])
        XCTAssertNotEqual(form.status, .payloadTooLarge)
        try await guichet.shutdown()
    }

    /// A repeatable block's item number comes from the posted field name (`bureau.<n>.nom`): the largest number
    /// there is used to overflow when the page counted the items to draw.
    func testABlockItemNumberFromThePostedNameIsBounded() throws {
        let form = try DemoCatalogue.definition("subvention-association").form
        let bureau = try XCTUnwrap(form.fields.first { $0.id == "bureau" })
        for n in ["9223372036854775807", "-9223372036854775808", "7", "0"] {
            let count = BlockRows.count(of: bureau, in: ["bureau.\(n).nom": ["Paul Durand"]])
            XCTAssertTrue((1...bureau.effectiveMaxItems).contains(count), "n=\(n): \(count)")
        }
        XCTAssertEqual(BlockRows.count(of: bureau, in: ["bureau.2.nom": ["Paul Durand"]]), 3, "items up to the third are drawn")
    }
}
