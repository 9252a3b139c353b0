import Foundation
import GuichetTestSupport
import Storage
import Vapor
import XCTest

/// API tokens: each agent sees and revokes theirs, admins every token of their collectivité; a read-only token
/// reads and cannot act; lifetimes are chosen among a few.
final class APITokenTests: XCTestCase {
    var guichet: TestGuichet!
    override func setUp() async throws { guichet = try await TestGuichet.make() }
    override func tearDown() async throws { try await guichet.shutdown() }

    static func token(_ browser: Browser, label: String, access: String, days: String = "30") async throws -> String {
        try await browser.get("/bo/caluire-et-cuire/jetons")
        let page = try await browser.post("/bo/caluire-et-cuire/jetons", [("libelle", label), ("acces", access), ("duree", days)])
        return try XCTUnwrap(page.text(id: "jeton"))
    }

    func testAgentsSeeTheirsAdminsSeeAllAndRevoke() async throws {
        let agent = guichet.browser()
        _ = try await agent.signIn("agent@caluire-et-cuire.demo.fr", password: "Guichet-Demo-2026!")
        let agentToken = try await Self.token(agent, label: "Connecteur voirie", access: "ecriture")
        let admin = guichet.browser()
        _ = try await admin.signIn("admin@caluire-et-cuire.demo.fr", password: "Guichet-Demo-2026!")
        _ = try await Self.token(admin, label: "Tableau de bord", access: "lecture", days: "365")

        let mine = try await agent.get("/bo/caluire-et-cuire/jetons")
        XCTAssertTrue(mine.contains("Connecteur voirie"))
        XCTAssertFalse(mine.contains("Tableau de bord"), "an agent sees only their own tokens")
        let all = try await admin.get("/bo/caluire-et-cuire/jetons")
        XCTAssertTrue(all.contains("Connecteur voirie") && all.contains("Tableau de bord"), "an admin sees every token of the collectivité")
        XCTAssertFalse(all.contains(agentToken), "never the secret itself")

        let bron = guichet.browser()
        _ = try await bron.signIn("agent@bron.demo.fr", password: "Guichet-Demo-2026!")
        let bronPage = try await bron.get("/bo/bron/jetons")
        XCTAssertFalse(bronPage.contains("Connecteur voirie"), "another collectivité's tokens are not listed")

        // The agent cannot revoke the admin's token; the admin revokes the agent's.
        let scope = try await XCTUnwrapAsync(try await guichet.agentScope("admin@caluire-et-cuire.demo.fr", "caluire-et-cuire"))
        let tokens = try await guichet.store.apiTokens(in: scope)
        let adminsID = try XCTUnwrap(tokens.first { $0.label == "Tableau de bord" }?.id)
        let agentsID = try XCTUnwrap(tokens.first { $0.label == "Connecteur voirie" }?.id)
        let refused = try await agent.post("/bo/caluire-et-cuire/jetons/revoquer", [("jeton", adminsID)])
        XCTAssertEqual(refused.status, .notFound)
        let fromBron = try await bron.post("/bo/bron/jetons/revoquer", [("jeton", agentsID)])
        XCTAssertEqual(fromBron.status, .notFound, "not through another collectivité")
        let works = try await guichet.browser().get("/api/v1/agent/demandes", headers: ["Authorization": "Bearer \(agentToken)"])
        XCTAssertEqual(works.status, .ok)
        let revoked = try await admin.post("/bo/caluire-et-cuire/jetons/revoquer", [("jeton", agentsID)])
        XCTAssertEqual(revoked.status, .seeOther)
        let dead = try await guichet.browser().get("/api/v1/agent/demandes", headers: ["Authorization": "Bearer \(agentToken)"])
        XCTAssertEqual(dead.status, .unauthorized, "revoked at once")
        let after = try await guichet.store.apiTokens(in: scope).map(\.label)
        XCTAssertEqual(after, ["Tableau de bord"])
    }

    func testAReadOnlyTokenCannotAct() async throws {
        let filed = try await guichet.browser().json(.POST, APITests.path, ["data": APITests.valid])
        let number = try XCTUnwrap((try JSONSerialization.jsonObject(with: Data(filed.body.utf8)) as? [String: Any])?["number"] as? String)
        let agent = guichet.browser()
        _ = try await agent.signIn("agent@caluire-et-cuire.demo.fr", password: "Guichet-Demo-2026!")
        let reader = try await Self.token(agent, label: "Lecture", access: "lecture")
        let auth: HTTPHeaders = ["Authorization": "Bearer \(reader)"]
        let read = try await guichet.browser().get("/api/v1/agent/demandes/\(number)", headers: auth)
        XCTAssertEqual(read.status, .ok)
        let act = try await guichet.browser().json(.POST, "/api/v1/agent/demandes/\(number)/transitions", ["transition": "instruire"], headers: auth)
        XCTAssertEqual(act.status, .forbidden)
        XCTAssertTrue(act.body.contains("lecture seule"), act.body)
        let scope = try await XCTUnwrapAsync(try await guichet.agentScope("agent@caluire-et-cuire.demo.fr", "caluire-et-cuire"))
        let unchanged = try await XCTUnwrapAsync(try await guichet.store.demande(number: number, in: scope))
        XCTAssertEqual(unchanged.status, "deposee", "nothing changed")
        do { _ = try await guichet.store.issueAPIToken(label: "x", days: 3650, access: .ecriture, in: scope); XCTFail("a ten-year token") }
        catch StoreError.conflict {}
    }
}
