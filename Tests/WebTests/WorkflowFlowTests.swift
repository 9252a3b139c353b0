import Demarches
import Foundation
import GuichetTestSupport
import Messaging
import SQLKit
@testable import Storage
import Territory
import Vapor
import Workflow
import XCTest

/// The demo subsidy démarche's workflow end to end, through the HTTP shells, with the app's clock moved by hand:
/// actions on filing, a conditional button, a generated attestation, a correction that pauses the legal
/// deadline, timers that survive a restart and the implicit decision.
final class WorkflowFlowTests: XCTestCase {
    var guichet: TestGuichet!
    static let slug = "caluire-et-cuire"
    static let agentEmail = "agent@caluire-et-cuire.demo.fr"

    override func setUp() async throws { guichet = try await TestGuichet.make() }
    override func tearDown() async throws { try await guichet.shutdown() }

    /// Files a subsidy request through the API; returns its number and tracking code.
    func fileSubsidy(montant: Int = 500) async throws -> (number: String, code: String) {
        try await Self.fileSubsidy(in: guichet, montant: montant)
    }

    static func fileSubsidy(in guichet: TestGuichet, montant: Int = 500) async throws -> (number: String, code: String) {
        let data: [String: Any] = [
            "association": "Les Amis du Parc", "rna": "W691234567", "a_siret": false,
            "adresse_siege": ["street": "3 place de la Mairie", "postcode": "69300", "city": "Caluire-et-Cuire"],
            "objet": "fonctionnement", "description": "Activités de l'année", "budget": 10_000, "montant": montant,
            "iban": "FR7630006000011234567890189",
            "statuts": [["filename": "statuts.pdf", "content_base64": Data("%PDF-1.4 s".utf8).base64EncodedString()]],
            "nom": "Paul Durand", "fonction": "president", "email": "paul@exemple.fr", "telephone": "0612345678", "engagement": true,
        ]
        let page = try await guichet.browser().json(.POST, "/api/v1/collectivites/\(Self.slug)/demarches/subvention-association/demandes", ["data": data])
        XCTAssertEqual(page.status, .created, page.body)
        let body = try JSONSerialization.jsonObject(with: Data(page.body.utf8)) as! [String: Any]
        return (body["number"] as! String, body["tracking_code"] as! String)
    }

    func agent() async throws -> TenantScope { try await XCTUnwrapAsync(try await guichet.agentScope(Self.agentEmail, Self.slug)) }

    func detail(_ number: String) async throws -> DemandeDetail {
        try await XCTUnwrapAsync(try await guichet.store.demande(number: number, in: try await agent()))
    }

    func timers(_ number: String) async throws -> [(kind: String, due: Int64, paused: Int64?)] {
        struct Row: Decodable { var kind: String; var dueAt: Int64; var pausedAt: Int64? }
        let sql = guichet.app.db as! any SQLDatabase
        return try await sql.raw("""
            SELECT t.kind, t.due_at, t.paused_at FROM timers t JOIN demandes d ON d.id = t.demande_id WHERE d.number = \(bind: number) ORDER BY t.kind
            """).all(decoding: Row.self, keyDecodingStrategy: .convertFromSnakeCase).map { ($0.kind, $0.dueAt, $0.pausedAt) }
    }

    func millis(_ date: Date) -> Int64 { Int64((date.timeIntervalSince1970 * 1000).rounded()) }

    func testFilingRunsTheEntryActionsAndAnAgentGrantsWithAnAttestation() async throws {
        let filedAt = guichet.clock.now
        let (number, code) = try await fileSubsidy(montant: 6000)
        var request = try await detail(number)
        XCTAssertEqual(request.status, "recue")
        XCTAssertEqual(request.assignedRole, "vie-associative")
        XCTAssertEqual(request.backOffice["priorite"], .text("haute"), "computed on entry from the answers")
        let mails = try await guichet.outbox()
        let notice = try XCTUnwrap(mails.first { $0.subject == "Nouvelle demande de subvention \(number)" })
        XCTAssertEqual(notice.to, Self.agentEmail, "sent to the agents holding the role")
        XCTAssertTrue(notice.text.contains("L'association Les Amis du Parc demande 6000 € (60 % d'un budget de 10000 €)."), notice.text)
        XCTAssertTrue(notice.text.contains("/bo/\(Self.slug)/demandes/\(number)") && !notice.text.contains("/suivi"),
                      "agents are sent to the back office, not to the citizen's follow-up: \(notice.text)")
        let deadline = try await timers(number)
        XCTAssertEqual(deadline.map(\.kind), ["deadline"])
        XCTAssertEqual(deadline[0].due, millis(Delay(months: 2).after(filedAt, in: LocalTime.calendar)))

        let browser = guichet.browser()
        _ = try await browser.signIn(Self.agentEmail, password: "Guichet-Demo-2026!")
        var page = try await browser.get("/bo/\(Self.slug)/demandes/\(number)")
        XCTAssertTrue(page.contains("Suivi interne") && page.contains("<dt>Priorité</dt><dd>haute</dd>"),
                      "back-office fields are shown to agents, by their labels")
        XCTAssertEqual(page.text(id: "affectation"), "Vie associative", "the service's name, not its identifier")
        XCTAssertFalse(page.contains("value=\"accorder\""), "not offered before instruction")
        _ = try await browser.post("/bo/\(Self.slug)/demandes/\(number)/transition", [("transition", "instruire")])
        page = try await browser.get("/bo/\(Self.slug)/demandes/\(number)")
        XCTAssertTrue(page.contains("value=\"accorder\""), "the condition montant <= budget holds")
        // Closing the request is a decision: confirmed on its own page, which shows the amount granted.
        page = try await browser.post("/bo/\(Self.slug)/demandes/\(number)/transition", [("transition", "accorder")])
        XCTAssertEqual(page.status, .ok)
        XCTAssertEqual(page.text(id: "montant"), "6\u{202F}000\u{00A0}€")
        let unconfirmed = try await detail(number)
        XCTAssertEqual(unconfirmed.status, "instruction", "nothing changes before the confirmation")
        page = try await browser.post("/bo/\(Self.slug)/demandes/\(number)/transition", [("transition", "accorder"), ("confirmer", "oui")])
        XCTAssertEqual(page.status, .seeOther)

        request = try await detail(number)
        XCTAssertEqual(request.status, "accordee")
        let attestation = try XCTUnwrap(request.documents.first)
        XCTAssertTrue(attestation.visibleToCitizen)
        let (_, pdf) = try XCTUnwrap(try guichet.store.file(id: attestation.file.id, of: request))
        let text = String(decoding: pdf, as: UTF8.self)
        XCTAssertTrue(text.hasPrefix("%PDF-1.4"))
        // Template values in the page's text (PDF string literals escape parentheses).
        XCTAssertTrue(text.contains("(Une subvention de 6000 ") && text.contains("Les Amis du Parc \\(RNA) Tj T*\n(W691234567\\)"), text)
        let remaining = try await timers(number)
        XCTAssertTrue(remaining.isEmpty, "an end status voids the deadline")

        // The citizen sees the document on their follow-up page, but none of the back-office fields.
        let citizen = guichet.browser()
        _ = try await citizen.get("/suivi")
        let follow = try await citizen.post("/suivi", [("numero", number), ("code", code)])
        XCTAssertTrue(follow.contains("attestation-\(number).pdf"))
        XCTAssertFalse(follow.contains("haute"))
    }

    /// The citizen sees a status hidden from them as the last one they could see; their correction still
    /// applies to the request as it is, and keeps what the back-office wrote.
    func testACorrectionWorksWhileTheStatusIsHiddenFromTheCitizen() async throws {
        var definition = try DemoCatalogue.definition("subvention-association")
        let index = try XCTUnwrap(definition.workflow.statuses.firstIndex { $0.id == "a_completer" })
        definition.workflow.statuses[index].visibleToCitizen = false
        let admin = try await XCTUnwrapAsync(try await guichet.store.operatorScope(slug: Self.slug))
        try await guichet.store.publish(definition, in: admin)
        let (number, code) = try await fileSubsidy()
        _ = try await guichet.store.transition(number: number, transitionID: "completer", in: try await agent(), actor: .agent("a", name: "Camille"))
        let asked = try await detail(number)
        XCTAssertEqual(asked.status, "a_completer")

        let citizen = guichet.browser()
        _ = try await citizen.get("/suivi")
        var answers = asked.demarche.definition.form.rawAnswers(of: asked.data).values
        answers["description"] = ["Activités de l'année, budget précisé"]
        let sent = try await citizen.postMultipart("/suivi/corriger", [("numero", number), ("code", code), ("_envoi", "1")]
            + answers.flatMap { key, values in values.map { (key, $0) } })
        XCTAssertEqual(sent.status, .seeOther, sent.body)
        let corrected = try await detail(number)
        XCTAssertEqual(corrected.status, "instruction", "the correction's next status, from the real one")
        XCTAssertEqual(corrected.data["description"], .text("Activités de l'année, budget précisé"))
        XCTAssertEqual(corrected.backOffice["priorite"], .text("normale"))
        XCTAssertEqual(corrected.assignedRole, "vie-associative")
    }

    func testACorrectionPausesTheDeadlineWhichThenDecidesBySilence() async throws {
        let filedAt = guichet.clock.now
        let (number, code) = try await fileSubsidy()
        let scope = try await agent()
        guichet.clock.advance(days: 10)
        _ = try await guichet.store.transition(number: number, transitionID: "completer", in: scope, actor: .agent("a", name: "Camille"))
        var request = try await detail(number)
        XCTAssertEqual(request.status, "a_completer")
        XCTAssertEqual(request.correction, "Merci de joindre les statuts à jour de l'association et de préciser le budget du projet.")
        let paused = try await timers(number)
        XCTAssertEqual(paused.first { $0.kind == "deadline" }?.paused, millis(guichet.clock.now))
        let asked = try await guichet.outbox()
        XCTAssertTrue(asked.contains { $0.subject == "Votre demande \(number) est à compléter" && $0.to == "paul@exemple.fr" })
        XCTAssertFalse(asked.contains { $0.subject == "Votre demande \(number) : À compléter" }, "one e-mail per action, not the status's too")

        // While paused, the deadline does not fire even once it would have been due.
        guichet.clock.advance(days: 20)
        try await guichet.store.fireDueTimers()
        let stillPaused = try await detail(number).status
        XCTAssertEqual(stillPaused, "a_completer")

        // The citizen corrects with their number and code.
        let citizen = guichet.browser()
        _ = try await citizen.get("/suivi")
        let follow = try await citizen.post("/suivi", [("numero", number), ("code", code)])
        XCTAssertTrue(follow.contains("Votre demande est à compléter"))
        let form = try await citizen.post("/suivi/corriger", [("numero", number), ("code", code)])
        XCTAssertEqual(form.status, .ok)
        XCTAssertTrue(form.contains("Les Amis du Parc"), "the form is filled with the answers")
        var answers = request.demarche.definition.form.rawAnswers(of: request.data).values
        answers["montant"] = ["9000"]
        let invalid = try await citizen.postMultipart("/suivi/corriger", [("numero", number), ("code", code), ("_envoi", "1")]
            + answers.flatMap { key, values in values.map { (key, $0) } })
        XCTAssertEqual(invalid.status, .unprocessableEntity, "the form's own checks apply: 90 % of the budget")
        let unchanged = try await detail(number).correction
        XCTAssertEqual(unchanged, request.correction, "an invalid correction changes nothing")
        answers["montant"] = ["800"]
        let sent = try await citizen.postMultipart("/suivi/corriger", [("numero", number), ("code", code), ("_envoi", "1")]
            + answers.flatMap { key, values in values.map { (key, $0) } })
        XCTAssertEqual(sent.status, .seeOther, sent.body)
        XCTAssertEqual(sent.location, "/suivi/\(number)", "back on the request's page")
        let landed = try await citizen.get("/suivi/\(number)")
        XCTAssertTrue(landed.contains("Votre correction a bien été envoyée") && landed.contains("id=\"statut\""), landed.body)
        request = try await detail(number)
        XCTAssertEqual(request.status, "instruction")
        XCTAssertNil(request.correction)
        XCTAssertEqual(request.data["montant"], .number(800))
        XCTAssertEqual(request.files.map(\.filename), ["statuts.pdf"], "the file sent with the request is kept")
        XCTAssertEqual(request.backOffice["priorite"], .text("normale"), "the back-office fields the citizen does not see are kept")
        XCTAssertEqual(request.assignedRole, "vie-associative")
        // The history says what changed; the service handling it is told.
        XCTAssertEqual(request.events.last { $0.kind == "corrected" }?.body, "Montant demandé (€) : 500 → 800")
        let told = try await guichet.outbox()
        XCTAssertTrue(told.contains { $0.subject == "Demande \(number) corrigée par l'usager" && $0.to == Self.agentEmail
            && $0.text.contains("Montant demandé (€) : 500 → 800") && $0.text.contains("/bo/\(Self.slug)/demandes/\(number)") })
        let resumed = try await timers(number)
        let deadline = try XCTUnwrap(resumed.first { $0.kind == "deadline" })
        XCTAssertNil(deadline.paused)
        XCTAssertEqual(deadline.due, millis(Delay(months: 2).after(filedAt, in: LocalTime.calendar)) + millis(Date(timeIntervalSince1970: 20 * 86_400)),
                       "pushed back by the 20 days of the pause")

        // Silence: two months and the pause later, the implicit rejection.
        guichet.clock.advance(Double(deadline.due - millis(guichet.clock.now)) / 1000 - 60)
        try await guichet.store.fireDueTimers()
        let early = try await detail(number).status
        XCTAssertEqual(early, "instruction", "a minute early, nothing")
        guichet.clock.advance(61)
        try await guichet.store.fireDueTimers()
        request = try await detail(number)
        XCTAssertEqual(request.status, "rejet_implicite")
        XCTAssertEqual(request.events.last?.body, "Décision implicite de rejet (silence vaut rejet, 2 mois)")
        XCTAssertEqual(request.events.last?.actorKind, "system")
    }

    func testTimedTransitionsSurviveARestart() async throws {
        let (number, _) = try await fileSubsidy()
        _ = try await guichet.store.transition(number: number, transitionID: "completer", in: try await agent(), actor: .agent("a", name: "Camille"))
        guichet = try await guichet.restarted()
        guichet.clock.advance(days: 62)
        let fired = try await guichet.store.fireDueTimers()
        XCTAssertEqual(fired, 1, "the timed transition fires; the deadline is paused by the correction")
        let request = try await detail(number)
        XCTAssertEqual(request.status, "sans_suite")
        let left = try await timers(number)
        XCTAssertEqual(left.count, 0)
        let mails = try await guichet.outbox()
        XCTAssertTrue(mails.contains { $0.subject == "Votre demande \(number) : Classée sans suite" })
    }

    func testAClaimedTimerIsAnotherProcesssOnlyOnceItsClaimRunsOut() async throws {
        let (number, _) = try await fileSubsidy()
        _ = try await guichet.store.transition(number: number, transitionID: "completer", in: try await agent(), actor: .agent("a", name: "Camille"))
        guichet.clock.advance(days: 62)
        // A process claims the due timer, then dies before firing it.
        let claimed = try await guichet.store.claimDueTimers(limit: 10, lease: Store.timerLease)
        XCTAssertEqual(claimed.map(\.kind), ["transition"])
        let meanwhile = try await guichet.store.fireDueTimers()
        XCTAssertEqual(meanwhile, 0, "a claimed timer is nobody else's during its lease")
        let waiting = try await detail(number).status
        XCTAssertNotEqual(waiting, "sans_suite")
        guichet.clock.advance(Store.timerLease + 1)
        let fired = try await guichet.store.fireDueTimers()
        XCTAssertEqual(fired, 1, "once the claim runs out, another process fires it")
        let request = try await detail(number)
        XCTAssertEqual(request.status, "sans_suite")
        let again = try await guichet.store.fireDueTimers()
        XCTAssertEqual(again, 0, "and it fires once")
    }

    func testAGlobalActionMailsTheCitizenWithoutMoving() async throws {
        let (number, _) = try await fileSubsidy()
        let browser = guichet.browser()
        _ = try await browser.signIn(Self.agentEmail, password: "Guichet-Demo-2026!")
        _ = try await browser.get("/bo/\(Self.slug)/demandes/\(number)")
        let done = try await browser.post("/bo/\(Self.slug)/demandes/\(number)/action", [("action", "rappel")])
        XCTAssertEqual(done.status, .seeOther)
        let outbox = try await guichet.outbox()
        let mail = try XCTUnwrap(outbox.first { $0.subject == "Votre demande \(number)" })
        XCTAssertEqual(mail.to, "paul@exemple.fr")
        XCTAssertTrue(mail.text.hasPrefix("Bonjour Paul Durand,\n\nVotre demande de subvention pour « Les Amis du Parc » est en cours (Reçue)."), mail.text)
        let unmoved = try await detail(number).status
        XCTAssertEqual(unmoved, "recue")
        let forged = try await browser.post("/bo/\(Self.slug)/demandes/\(number)/action", [("action", "inexistante")])
        XCTAssertEqual(forged.status, .conflict)
    }

    /// A new version that drops a button and the legal deadline changes nothing for requests filed before it:
    /// they keep their version's buttons, and its deadline still decides; requests filed after follow the new one.
    func testPublishingANewWorkflowLeavesEarlierRequestsOnTheirs() async throws {
        let (old, _) = try await fileSubsidy()
        let admin = try await XCTUnwrapAsync(try await guichet.store.operatorScope(slug: Self.slug))
        var v2 = try DemoCatalogue.bundle("subvention-association").demarche
        v2.workflow.transitions.removeAll { $0.id == "completer" || $0.to == "a_completer" || $0.from == ["a_completer"] }
        v2.workflow.statuses.removeAll { ["a_completer", "rejet_implicite", "sans_suite"].contains($0.id) }
        v2.workflow.deadline = nil
        let published = try await guichet.store.publish(v2, in: admin)
        XCTAssertEqual(published.version, 2, "\(v2.problems)")
        let (new, _) = try await fileSubsidy()

        let scope = try await agent()
        let oldButtons = guichet.store.offeredActions(on: try await detail(old), in: scope).transitions.map(\.id)
        let newButtons = guichet.store.offeredActions(on: try await detail(new), in: scope).transitions.map(\.id)
        XCTAssertTrue(oldButtons.contains("completer"), "\(oldButtons)")
        XCTAssertFalse(newButtons.contains("completer"), "\(newButtons)")
        let newTimers = try await timers(new).map(\.kind)
        XCTAssertFalse(newTimers.contains("deadline"))

        guichet.clock.advance(days: 62)
        _ = try await guichet.store.fireDueTimers()
        let oldStatus = try await detail(old).status, newStatus = try await detail(new).status
        XCTAssertEqual(oldStatus, "rejet_implicite", "the old version's deadline decides its requests")
        XCTAssertEqual(newStatus, "recue", "the new version has none")
    }
}
