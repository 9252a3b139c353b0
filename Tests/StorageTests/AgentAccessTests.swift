import Demarches
import Foundation
import GuichetTestSupport
import Storage
import Workflow
import XCTest

/// Agents: tenant isolation, roles, transitions, history, inbox.
final class AgentAccessTests: XCTestCase {
    var guichet: TestGuichet!
    override func setUp() async throws { guichet = try await TestGuichet.make() }
    override func tearDown() async throws { try await guichet.shutdown() }

    func file(_ slug: String, _ demarche: String = "signalement-espace-public", text: String = "Tag") async throws -> FiledDemande {
        let scope = try await XCTUnwrapAsync(try await guichet.store.citizenScope(slug: slug))
        let d = try await XCTUnwrapAsync(try await guichet.store.currentDemarche(slug: demarche, in: scope))
        return try await guichet.store.submit(NewDemande(demarche: d, values: ["description": .text(text)], files: [], accountID: nil,
                                                         submitterName: "X", email: "x@exemple.fr", ), in: scope) { _ in [] }
    }

    func testAnAgentNeverSeesAnotherCollectivitesRequests() async throws {
        let caluireRequest = try await file("caluire-et-cuire")
        let bronRequest = try await file("bron")
        let bronAgent = try await XCTUnwrapAsync(try await guichet.agentScope("agent@bron.demo.fr", "bron"))
        let value1 = try await guichet.store.demande(number: caluireRequest.number, in: bronAgent)
        XCTAssertNil(value1)
        let value2 = try await guichet.store.demande(number: bronRequest.number, in: bronAgent)
        XCTAssertNotNil(value2)
        let value3 = try await guichet.store.inbox(InboxQuery(), in: bronAgent).rows.map(\.number)
        XCTAssertEqual(value3, [bronRequest.number])
        let moved = try? await guichet.store.transition(number: caluireRequest.number, transitionID: "prendre", in: bronAgent,
                                                        actor: .agent("x", name: "X"))
        XCTAssertNil(moved, "no transition on another tenant's request")
        let value4 = try await guichet.agentScope("agent@bron.demo.fr", "caluire-et-cuire")
        XCTAssertNil(value4, "no scope where one holds no role")
    }

    func testRolesDecideWhichDemarchesAnAgentSees() async throws {
        let signalement = try await file("caluire-et-cuire")
        let acte = try await file("caluire-et-cuire", "acte-etat-civil")
        let account = try await XCTUnwrapAsync(try await guichet.store.createAccount(email: "voirie@exemple.fr", name: "V", passwordHash: "x", confirmed: true))
        try await guichet.store.grantRoles(accountID: account.id, collectivite: "caluire-et-cuire", roles: ["services-techniques"])
        let technician = try await XCTUnwrapAsync(try await guichet.store.agentScope(slug: "caluire-et-cuire", accountID: account.id))
        let value5 = try await guichet.store.inbox(InboxQuery(), in: technician).rows.map(\.number)
        XCTAssertEqual(value5, [signalement.number])
        let value6 = try await guichet.store.demande(number: acte.number, in: technician)
        XCTAssertNil(value6)
        let admin = try await XCTUnwrapAsync(try await guichet.agentScope("admin@caluire-et-cuire.demo.fr", "caluire-et-cuire"))
        let value7 = try await guichet.store.inbox(InboxQuery(), in: admin).total
        XCTAssertEqual(value7, 2)
        let byAdmin = try await guichet.store.transition(number: acte.number, transitionID: "instruire", in: admin, actor: .agent("a", name: "Alex"))
        XCTAssertEqual(try byAdmin.get().id, "instruction", "an admin may make any transition of the workflow")
        let byTechnician = try await guichet.store.transition(number: signalement.number, transitionID: "resoudre", in: technician, actor: .agent("v", name: "V"))
        XCTAssertEqual(byTechnician.map(\.id), .failure(.notFromThisStatus))
    }

    func testTransitionsFollowTheWorkflowAndAreRecorded() async throws {
        let filed = try await file("caluire-et-cuire")
        let agent = try await XCTUnwrapAsync(try await guichet.agentScope("agent@caluire-et-cuire.demo.fr", "caluire-et-cuire"))
        let refused = try await guichet.store.transition(number: filed.number, transitionID: "resoudre", in: agent, actor: .agent("a", name: "Camille"))
        XCTAssertEqual(refused.map(\.id), .failure(.notFromThisStatus))
        let taken = try await guichet.store.transition(number: filed.number, transitionID: "prendre", in: agent, actor: .agent("a", name: "Camille"))
        XCTAssertEqual(try taken.get().id, "en_cours")
        try await guichet.store.comment(number: filed.number, kind: .note, body: "Voir avec la voirie", in: agent, actor: .agent("a", name: "Camille")) { _ in
            [OutboxMail(to: "x@exemple.fr", subject: "note must not be mailed", text: "")]
        }
        try await guichet.store.comment(number: filed.number, kind: .message, body: "Intervention prévue lundi", in: agent, actor: .agent("a", name: "Camille")) { d in
            [OutboxMail(to: d.email, subject: "Message", text: "")]
        }
        let value8 = try await guichet.outbox().map(\.subject)
        XCTAssertEqual(value8, ["Votre demande \(filed.number) : En cours de traitement", "Message"])
        let detail = try await XCTUnwrapAsync(try await guichet.store.demande(number: filed.number, in: agent))
        XCTAssertEqual(detail.status, "en_cours")
        XCTAssertEqual(detail.events.map(\.kind), ["submitted", "transition", "note", "message"])
        XCTAssertEqual(detail.events.map(\.seq), [1, 2, 3, 4])
        XCTAssertEqual(detail.events[1].actorName, "Camille")
        XCTAssertEqual(detail.events[1].fromStatus, "recue")
        let citizenView = try await XCTUnwrapAsync(try await guichet.store.demandeForCitizen(number: filed.number, accountID: nil, trackingCode: filed.trackingCode))
        XCTAssertEqual(citizenView.events.map(\.kind), ["submitted", "transition", "message"], "internal notes stay internal")
    }

    func testInboxFiltersSortsPaginatesAndCounts() async throws {
        for i in 0..<7 { _ = try await file("caluire-et-cuire", text: i == 3 ? "Lampadaire cassé 100%" : "Tag \(i)") }
        _ = try await file("caluire-et-cuire", "acte-etat-civil")
        let agent = try await XCTUnwrapAsync(try await guichet.agentScope("agent@caluire-et-cuire.demo.fr", "caluire-et-cuire"))
        let first = try await guichet.store.inbox(InboxQuery(), in: agent)
        let signalement = try XCTUnwrap(first.rows.first { $0.demarcheSlug == "signalement-espace-public" })
        let taken = try await guichet.store.transition(number: signalement.number, transitionID: "prendre", in: agent, actor: .agent("a", name: "A"))
        XCTAssertEqual(try taken.get().id, "en_cours")

        var q = InboxQuery()
        q.pageSize = 3
        let page1 = try await guichet.store.inbox(q, in: agent)
        XCTAssertEqual(page1.total, 8)
        XCTAssertEqual(page1.pageCount, 3)
        XCTAssertEqual(page1.rows.count, 3)
        XCTAssertEqual(page1.countsByStatus, ["recue": 7, "en_cours": 1])
        q.page = 3
        let value9 = try await guichet.store.inbox(q, in: agent).rows.count
        XCTAssertEqual(value9, 2)

        var byStatus = InboxQuery(); byStatus.status = "en_cours"
        let inProgress = try await guichet.store.inbox(byStatus, in: agent)
        XCTAssertEqual(inProgress.total, 1)
        XCTAssertEqual(inProgress.countsByStatus["recue"], 7, "counts ignore the status filter, for the tabs")

        var byDemarche = InboxQuery(); byDemarche.demarcheSlug = "acte-etat-civil"
        let value10 = try await guichet.store.inbox(byDemarche, in: agent).total
        XCTAssertEqual(value10, 1)

        var text = InboxQuery(); text.text = "LAMPADAIRE cassé 100%"
        let value11 = try await guichet.store.inbox(text, in: agent).total
        XCTAssertEqual(value11, 1)
        var wildcard = InboxQuery(); wildcard.text = "%"
        let value12 = try await guichet.store.inbox(wildcard, in: agent).total
        XCTAssertEqual(value12, 8, "punctuation alone is no search, and no wildcard either")

        var oldest = InboxQuery(); oldest.sort = .oldest
        let sorted = try await guichet.store.inbox(oldest, in: agent).rows.map(\.number)
        XCTAssertEqual(sorted, sorted.sorted())

        var future = InboxQuery(); future.from = Date().addingTimeInterval(3600)
        let value13 = try await guichet.store.inbox(future, in: agent).total
        XCTAssertEqual(value13, 0)
    }

    func testFreeTextFindsWordBeginningsWithinTheCollectiviteOnly() async throws {
        let pasteur = try await file("caluire-et-cuire", text: "Nid-de-poule au 12 rue Pasteur")
        _ = try await file("caluire-et-cuire", text: "Dépôt sauvage \"quai Clémenceau\"")
        _ = try await file("bron", text: "Nid-de-poule rue Pasteur à Bron")
        let agent = try await XCTUnwrapAsync(try await guichet.agentScope("agent@caluire-et-cuire.demo.fr", "caluire-et-cuire"))
        func search(_ text: String) async throws -> [String] {
            var q = InboxQuery(); q.text = text
            return try await guichet.store.inbox(q, in: agent).rows.map(\.number)
        }
        let beginnings = try await search("PAST nid")
        XCTAssertEqual(beginnings, [pasteur.number], "word beginnings, in any order, and Bron's request is not found")
        let inside = try await search("aste")
        XCTAssertEqual(inside, [], "a search matches the beginning of words")
        let accents = try await search("clemenceau")
        XCTAssertEqual(accents.count, 1, "accents do not matter")
        let quoted = try await search("\"quai clé* OR")
        XCTAssertEqual(quoted, [], "quotes, stars and OR are words or nothing, never query syntax")
        let quotedWords = try await search("\"quai clé*")
        XCTAssertEqual(quotedWords.count, 1)
        let short = try await search("12")
        XCTAssertEqual(short, [pasteur.number], "short words are searched too")
        let number = try await search(pasteur.number)
        XCTAssertEqual(number, [pasteur.number])
        let nothing = try await search("inexistant")
        XCTAssertEqual(nothing, [])
    }

    func testDateFiltersAreWholeDaysInLyon() throws {
        let start = try XCTUnwrap(InboxQuery.start(ofDay: "29/03/2026"))
        XCTAssertEqual(start, InboxQuery.start(ofDay: "2026-03-29"), "French and ISO days are the same day")
        XCTAssertEqual(start.timeIntervalSince1970, 1_774_738_800, "midnight in Lyon is 23:00 UTC the day before in winter")
        let end = try XCTUnwrap(InboxQuery.end(ofDay: "2026-03-29"))
        XCTAssertEqual(end.timeIntervalSince(start), 23 * 3600, "the day the clocks go forward lasts 23 hours")
        let autumn = try XCTUnwrap(InboxQuery.start(ofDay: "2026-10-25"))
        XCTAssertEqual(InboxQuery.end(ofDay: "2026-10-25")?.timeIntervalSince(autumn), 25 * 3600)
        XCTAssertNil(InboxQuery.start(ofDay: "31/02/2026"))
        XCTAssertNil(InboxQuery.end(ofDay: "demain"))
    }
}
