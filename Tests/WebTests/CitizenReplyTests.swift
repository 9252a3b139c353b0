import Foundation
import GuichetTestSupport
import Storage
import Vapor
import XCTest

/// The citizen writes to the service from the follow-up page (issue 14): a message with files, in both histories,
/// the handling agents e-mailed; checked like a form; never on a closed request nor on someone else's.
final class CitizenReplyTests: XCTestCase {
    var guichet: TestGuichet!
    override func setUp() async throws { guichet = try await TestGuichet.make() }
    override func tearDown() async throws { try await guichet.shutdown() }

    static let slug = "caluire-et-cuire"
    static let pdf = Array("%PDF-1.4\n% budget\n".utf8)

    /// A subsidy request, proved by its number and code in `citizen`'s session.
    func proved(_ citizen: Browser) async throws -> String {
        let (number, code) = try await WorkflowFlowTests.fileSubsidy(in: guichet)
        try await citizen.get("/suivi")
        let page = try await citizen.post("/suivi", [("numero", number), ("code", code)])
        XCTAssertTrue(page.contains("Écrire au service"), "an open request takes messages")
        return number
    }

    func detail(_ number: String) async throws -> DemandeDetail {
        let scope = try await XCTUnwrapAsync(try await guichet.agentScope("agent@caluire-et-cuire.demo.fr", Self.slug))
        return try await XCTUnwrapAsync(try await guichet.store.demande(number: number, in: scope))
    }

    func testAMessageWithAFileReachesTheAgentsAndBothHistories() async throws {
        let citizen = guichet.browser()
        let number = try await proved(citizen)
        let sent = try await citizen.postMultipart("/suivi/\(number)/repondre", [("message", "Voici le budget signé.\nBien à vous.")],
                                                   files: [("pieces", "budget.pdf", Self.pdf)])
        XCTAssertEqual(sent.status, .seeOther, sent.body)
        XCTAssertEqual(sent.location, "/suivi/\(number)#historique")

        let page = try await citizen.get("/suivi/\(number)")
        XCTAssertTrue(page.contains("Votre message a été envoyé au service"))
        XCTAssertTrue(page.contains("<strong>Votre message</strong>") && page.contains("Voici le budget signé.\nBien à vous."))
        let link = try XCTUnwrap(page.body.firstMatch(of: /href="(\/suivi\/[A-Z0-9-]+\/fichiers\/[a-z0-9-]+)">budget\.pdf</).map { String($0.1) })
        let download = try await citizen.get(link)
        XCTAssertEqual(download.status, .ok)
        XCTAssertEqual(Array(download.body.utf8), Self.pdf)

        let outbox = try await guichet.outbox()
        let told = outbox.filter { $0.subject == "Demande \(number) : message de l'usager" }
        XCTAssertFalse(told.isEmpty, "the handling agents are e-mailed")
        XCTAssertTrue(told.allSatisfy { $0.to.hasSuffix(".demo.fr") && $0.text.contains("/bo/\(Self.slug)/demandes/\(number)") }, "\(told)")
        XCTAssertTrue(told[0].text.contains("Voici le budget signé.") && told[0].text.contains("Pièces jointes : budget.pdf."))

        let agent = guichet.browser()
        try await agent.signIn("agent@caluire-et-cuire.demo.fr", password: "Guichet-Demo-2026!")
        let backOffice = try await agent.get("/bo/\(Self.slug)/demandes/\(number)")
        XCTAssertTrue(backOffice.contains("<strong>Message de l&#39;usager</strong>") && backOffice.contains("Voici le budget signé."))
        let agentLink = try XCTUnwrap(backOffice.body.firstMatch(of: /href="(\/bo\/[a-z-]+\/demandes\/[A-Z0-9-]+\/fichiers\/[a-z0-9-]+)">budget\.pdf</).map { String($0.1) })
        let agentDownload = try await agent.get(agentLink)
        XCTAssertEqual(agentDownload.status, .ok)
    }

    func testASignedInCitizenWritesFromTheirAccount() async throws {
        let citizen = guichet.browser()
        try await citizen.signIn("usager@demo.fr", password: "Guichet-Demo-2026!")
        let (number, _) = try await CitizenFlowTests.fileValidRequest(citizen)
        let page = try await citizen.get("/compte/demandes/\(number)")
        XCTAssertTrue(page.contains("action=\"/compte/demandes/\(number)/repondre\""))
        let sent = try await citizen.postMultipart("/compte/demandes/\(number)/repondre", [("message", "Le lampadaire clignote aussi la nuit.")])
        XCTAssertEqual(sent.location, "/compte/demandes/\(number)#historique")
        let events = try await detail(number).events
        let reply = try XCTUnwrap(events.last)
        XCTAssertEqual(reply.eventKind, .reply)
        XCTAssertEqual(reply.actorName, "Dominique Usager", "the account's name, not « Usager »")
    }

    func testAnEmptyOrWrongMessageIsRefusedBesideItsFieldAndRecordsNothing() async throws {
        let citizen = guichet.browser()
        let number = try await proved(citizen)
        let before = try await detail(number).events.count
        let empty = try await citizen.postMultipart("/suivi/\(number)/repondre", [("message", "  ")])
        XCTAssertEqual(empty.status, .unprocessableEntity)
        XCTAssertEqual(empty.fieldErrors["message"], "Écrivez votre message, ou joignez au moins un fichier.")
        let wrongKind = try await citizen.postMultipart("/suivi/\(number)/repondre", [("message", "Le budget")],
                                                        files: [("pieces", "budget.txt", Array("budget".utf8))])
        XCTAssertEqual(wrongKind.status, .unprocessableEntity)
        XCTAssertNotNil(wrongKind.fieldErrors["pieces"], wrongKind.body)
        XCTAssertTrue(wrongKind.contains(">Le budget</textarea>"), "what was typed is kept")
        let tooLong = try await citizen.postMultipart("/suivi/\(number)/repondre", [("message", String(repeating: "a", count: 5001))])
        XCTAssertEqual(tooLong.status, .unprocessableEntity)
        let after = try await detail(number)
        XCTAssertEqual(after.events.count, before)
        XCTAssertTrue(after.replyFiles.isEmpty)
        let fileOnly = try await citizen.postMultipart("/suivi/\(number)/repondre", [("message", "")], files: [("pieces", "rib.pdf", Self.pdf)])
        XCTAssertEqual(fileOnly.status, .seeOther, "a file alone is a message")
    }

    func testNobodyElseWritesOnTheRequestAndAClosedOneTakesNoMore() async throws {
        let citizen = guichet.browser()
        let number = try await proved(citizen)
        let stranger = guichet.browser()
        try await stranger.get("/suivi")
        let forged = try await stranger.postMultipart("/suivi/\(number)/repondre", [("message", "Je ne suis pas l'usager")])
        XCTAssertEqual(forged.status, .notFound, "no proof in this session")
        let someoneElse = guichet.browser()
        try await someoneElse.signIn("usager@demo.fr", password: "Guichet-Demo-2026!")
        try await someoneElse.get("/compte")
        let other = try await someoneElse.postMultipart("/compte/demandes/\(number)/repondre", [("message", "Pas ma demande")])
        XCTAssertEqual(other.status, .notFound, "not in this account")

        let agent = guichet.browser()
        try await agent.signIn("agent@caluire-et-cuire.demo.fr", password: "Guichet-Demo-2026!")
        try await agent.get("/bo/\(Self.slug)/demandes/\(number)")
        let closed = try await agent.post("/bo/\(Self.slug)/demandes/\(number)/transition",
                                          [("transition", "refuser"), ("confirmer", "oui"), ("motif", "Hors règlement.")])
        XCTAssertEqual(closed.status, .seeOther)
        let page = try await citizen.get("/suivi/\(number)")
        XCTAssertFalse(page.contains("Écrire au service"), "no form on a closed request")
        let late = try await citizen.postMultipart("/suivi/\(number)/repondre", [("message", "Encore un mot")])
        XCTAssertEqual(late.status, .seeOther)
        let after = try await detail(number)
        XCTAssertFalse(after.events.contains { $0.eventKind == .reply })
        let told = try await citizen.get("/suivi/\(number)")
        XCTAssertTrue(told.contains("Cette demande est close"))
    }

    func testACorrectionKeepsTheFilesSentWithMessages() async throws {
        let citizen = guichet.browser()
        let number = try await proved(citizen)
        _ = try await citizen.postMultipart("/suivi/\(number)/repondre", [("message", "Le budget")], files: [("pieces", "budget.pdf", Self.pdf)])
        let scope = try await XCTUnwrapAsync(try await guichet.agentScope("agent@caluire-et-cuire.demo.fr", Self.slug))
        _ = try await guichet.store.transition(number: number, transitionID: "completer", in: scope, actor: .agent("a", name: "Camille"))
        let asked = try await detail(number)
        var answers = asked.demarche.definition.form.rawAnswers(of: asked.data).values
        answers["description"] = ["Activités de l'année, budget précisé"]
        let corrected = try await citizen.postMultipart("/suivi/corriger", [("numero", number), ("_envoi", "1")]
            + answers.flatMap { key, values in values.map { (key, $0) } })
        XCTAssertEqual(corrected.status, .seeOther, corrected.body)
        let after = try await detail(number)
        XCTAssertEqual(after.replyFiles.values.flatMap { $0 }.map(\.filename), ["budget.pdf"])
        XCTAssertTrue(after.files.contains { $0.filename == "budget.pdf" })
    }
}
