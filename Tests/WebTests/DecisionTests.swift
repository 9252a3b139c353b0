import Foundation
import GuichetTestSupport
import Storage
import Vapor
import XCTest

/// Decisions as the law expects them (issue 14): confirmed before anything changes, a refusal with its reason,
/// the reason and the ways of appeal in the citizen's e-mail and on their page, reopening by an admin only.
final class DecisionTests: XCTestCase {
    var guichet: TestGuichet!
    override func setUp() async throws { guichet = try await TestGuichet.make() }
    override func tearDown() async throws { try await guichet.shutdown() }

    static let slug = "caluire-et-cuire"

    /// A report filed on the portal, and its agent signed in.
    func filed() async throws -> (number: String, code: String, agent: Browser) {
        let (number, code) = try await CitizenFlowTests.fileValidRequest(guichet.browser())
        let agent = guichet.browser()
        try await agent.signIn("agent@caluire-et-cuire.demo.fr", password: "Guichet-Demo-2026!")
        return (number, code, agent)
    }

    func status(_ number: String) async throws -> String? {
        let scope = try await XCTUnwrapAsync(try await guichet.agentScope("agent@caluire-et-cuire.demo.fr", Self.slug))
        return try await guichet.store.demande(number: number, in: scope)?.status
    }

    func testClosingWithoutFollowUpIsConfirmedAndItsReasonReachesTheCitizen() async throws {
        let (number, code, agent) = try await filed()
        let url = "/bo/\(Self.slug)/demandes/\(number)"
        try await agent.get(url)
        let asked = try await agent.post(url + "/transition", [("transition", "classer")])
        XCTAssertEqual(asked.status, .ok)
        XCTAssertTrue(asked.contains("Classer sans suite — demande \(number)") && asked.contains("« Classée sans suite »"))
        XCTAssertTrue(asked.contains("tribunal administratif de Lyon"), "an unfavourable decision: the ways of appeal are shown")
        let before = try await status(number)
        XCTAssertEqual(before, "recue", "asking changes nothing")

        let done = try await agent.post(url + "/transition", [("transition", "classer"), ("confirmer", "oui"),
                                                              ("motif", "Le dépôt a été enlevé avant notre passage.\nMerci de votre signalement.")])
        XCTAssertEqual(done.status, .seeOther)
        let after = try await status(number)
        XCTAssertEqual(after, "classee")
        let outbox = try await guichet.outbox()
        let mail = try XCTUnwrap(outbox.last)
        XCTAssertEqual(mail.subject, "Votre demande \(number) : Classée sans suite")
        XCTAssertTrue(mail.text.contains("Décision : classement sans suite."), mail.text)
        XCTAssertTrue(mail.text.contains("Motif :\nLe dépôt a été enlevé avant notre passage.\nMerci de votre signalement."), mail.text)
        XCTAssertTrue(mail.text.contains("Voies et délais de recours") && mail.text.contains("Télérecours"), mail.text)

        let citizen = guichet.browser()
        try await citizen.get("/suivi")
        let page = try await citizen.post("/suivi", [("numero", number), ("code", code)])
        XCTAssertTrue(page.contains("Le dépôt a été enlevé avant notre passage."), "the reason is in the citizen's history")
        XCTAssertTrue(page.contains("id=\"recours\"") && page.contains("deux mois"))
        let history = try await agent.get(url)
        XCTAssertTrue(history.contains("Le dépôt a été enlevé avant notre passage."))
    }

    func testARefusalNeedsItsReasonOnEveryChannel() async throws {
        let (number, _, agent) = try await filed()
        let url = "/bo/\(Self.slug)/demandes/\(number)"
        try await agent.get(url)
        // « Classer sans suite » is the report's only closing button from « Reçue »; the subsidy's refusal needs a reason.
        let subsidy = try await WorkflowFlowTests.fileSubsidy(in: guichet)
        let subsidyURL = "/bo/\(Self.slug)/demandes/\(subsidy.number)"
        try await agent.get(subsidyURL)
        let asked = try await agent.post(subsidyURL + "/transition", [("transition", "refuser")])
        XCTAssertTrue(asked.contains("Motif de la décision <span class=\"req\">(obligatoire)</span>"))
        let bare = try await agent.post(subsidyURL + "/transition", [("transition", "refuser"), ("confirmer", "oui"), ("motif", "  ")])
        XCTAssertEqual(bare.status, .unprocessableEntity)
        XCTAssertEqual(bare.fieldErrors["motif"], "Indiquez le motif du refus : il est dû à l&#39;usager.")
        let tooLong = try await agent.post(subsidyURL + "/transition", [("transition", "refuser"), ("confirmer", "oui"),
                                                                       ("motif", String(repeating: "a", count: 5001))])
        XCTAssertEqual(tooLong.status, .unprocessableEntity)
        let unchanged = try await status(subsidy.number)
        XCTAssertEqual(unchanged, "recue")

        // The API: the same rule.
        let token = try await APITokenTests.token(agent, label: "Connecteur", access: "ecriture")
        let path = "/api/v1/agent/demandes/\(subsidy.number)/transitions"
        let viaAPI = try await guichet.browser().json(.POST, path, ["transition": "refuser"], headers: ["Authorization": "Bearer \(token)"])
        XCTAssertEqual(viaAPI.status, .unprocessableEntity, viaAPI.body)
        XCTAssertTrue(viaAPI.body.contains("\"reason\""))
        let refused = try await guichet.browser().json(.POST, path, ["transition": "refuser", "reason": "Dossier hors du champ du règlement."],
                                                       headers: ["Authorization": "Bearer \(token)"])
        XCTAssertEqual(refused.status, .ok, refused.body)
        let outbox = try await guichet.outbox()
        let mail = try XCTUnwrap(outbox.last)
        XCTAssertTrue(mail.text.contains("Décision : refus.") && mail.text.contains("Dossier hors du champ du règlement."), mail.text)
    }

    func testTheAgentWritesTheCorrectionAskedOfTheCitizen() async throws {
        let (_, _, agent) = try await filed()
        let subsidy = try await WorkflowFlowTests.fileSubsidy(in: guichet)
        let url = "/bo/\(Self.slug)/demandes/\(subsidy.number)"
        try await agent.get(url)
        let asked = try await agent.post(url + "/transition", [("transition", "completer")])
        XCTAssertEqual(asked.status, .ok)
        XCTAssertTrue(asked.contains("Ce que l&#39;usager doit corriger ou compléter"), asked.body)
        XCTAssertEqual(asked.textareaValue("motif"), "Merci de joindre les statuts à jour de l&#39;association et de préciser le budget du projet.",
                       "the démarche's text to start from")
        let before = try await status(subsidy.number)
        XCTAssertEqual(before, "recue", "asking changes nothing")
        let empty = try await agent.post(url + "/transition", [("transition", "completer"), ("confirmer", "oui"), ("motif", " \n ")])
        XCTAssertEqual(empty.status, .unprocessableEntity)
        XCTAssertEqual(empty.fieldErrors["motif"], "Indiquez ce que l&#39;usager doit corriger ou compléter.")
        XCTAssertTrue(empty.contains("La demande de correction n&#39;a pas été envoyée"))

        let written = "Le budget joint ne mentionne pas la subvention de la Région.\nMerci de le compléter."
        let sent = try await agent.post(url + "/transition", [("transition", "completer"), ("confirmer", "oui"), ("motif", written)])
        XCTAssertEqual(sent.status, .seeOther)
        let scope = try await XCTUnwrapAsync(try await guichet.agentScope("agent@caluire-et-cuire.demo.fr", Self.slug))
        let detail = try await XCTUnwrapAsync(try await guichet.store.demande(number: subsidy.number, in: scope))
        XCTAssertEqual(detail.status, "a_completer")
        XCTAssertEqual(detail.correction, written)
        let outbox = try await guichet.outbox()
        let mails = outbox.filter { $0.text.contains(subsidy.number) && $0.text.contains("subvention de la Région") }
        XCTAssertEqual(mails.count, 1, "the citizen's one e-mail says what the agent wrote")
        XCTAssertFalse(outbox.contains { $0.text.contains("Merci de joindre les statuts à jour") && $0.text.contains(subsidy.number) })

        // The API: the same text, the same checks.
        let other = try await WorkflowFlowTests.fileSubsidy(in: guichet)
        let token = try await APITokenTests.token(agent, label: "Connecteur", access: "ecriture")
        let path = "/api/v1/agent/demandes/\(other.number)/transitions"
        let bearer: HTTPHeaders = ["Authorization": "Bearer \(token)"]
        let blank = try await guichet.browser().json(.POST, path, ["transition": "completer", "correction": " "], headers: bearer)
        XCTAssertEqual(blank.status, .unprocessableEntity, blank.body)
        XCTAssertTrue(blank.body.contains("\"correction\""), blank.body)
        let notAsked = try await guichet.browser().json(.POST, path, ["transition": "instruire", "correction": "Le RIB."], headers: bearer)
        XCTAssertEqual(notAsked.status, .unprocessableEntity, notAsked.body)
        let viaAPI = try await guichet.browser().json(.POST, path, ["transition": "completer", "correction": "Le RIB de l'association."], headers: bearer)
        XCTAssertEqual(viaAPI.status, .ok, viaAPI.body)
        let otherDetail = try await XCTUnwrapAsync(try await guichet.store.demande(number: other.number, in: scope))
        XCTAssertEqual(otherDetail.correction, "Le RIB de l'association.")
    }

    func testOnlyAnAdminReopensAClosedRequestWithAReason() async throws {
        let (number, code, agent) = try await filed()
        let url = "/bo/\(Self.slug)/demandes/\(number)"
        try await agent.get(url)
        try await agent.post(url + "/transition", [("transition", "prendre")])
        try await agent.post(url + "/transition", [("transition", "classer"), ("confirmer", "oui")])
        let closed = try await agent.get(url)
        XCTAssertFalse(closed.contains("Rouvrir la demande"), "an agent is not offered it")
        let forbidden = try await agent.post(url + "/rouvrir", [("motif", "Erreur")])
        XCTAssertEqual(forbidden.status, .forbidden)

        let admin = guichet.browser()
        try await admin.signIn("admin@caluire-et-cuire.demo.fr", password: "Guichet-Demo-2026!")
        let page = try await admin.get(url)
        XCTAssertTrue(page.contains("Rouvrir la demande"))
        let ask = try await admin.get(url + "/rouvrir")
        XCTAssertTrue(ask.contains("« En cours de traitement »"), "back where it was closed from")
        let bare = try await admin.post(url + "/rouvrir", [("motif", "")])
        XCTAssertEqual(bare.status, .unprocessableEntity)
        let still = try await status(number)
        XCTAssertEqual(still, "classee")
        let reopened = try await admin.post(url + "/rouvrir", [("motif", "Classée par erreur : le dépôt est toujours là.")])
        XCTAssertEqual(reopened.status, .seeOther)
        let now = try await status(number)
        XCTAssertEqual(now, "en_cours")
        let citizen = guichet.browser()
        try await citizen.get("/suivi")
        let followed = try await citizen.post("/suivi", [("numero", number), ("code", code)])
        XCTAssertTrue(followed.contains("Demande rouverte") && followed.contains("Classée par erreur : le dépôt est toujours là."))
        let again = try await admin.get(url + "/rouvrir")
        XCTAssertEqual(again.status, .seeOther, "an open request has nothing to reopen")
    }
}
