import Demarches
import Foundation
import GuichetTestSupport
import Messaging
import NIOConcurrencyHelpers
import Storage
import Vapor
import Workflow
import XCTest

/// Webhooks against a real HTTP receiver on a local port: signed calls, the answer kept with the request and
/// read by an automatic transition, and the error branch after the last failed attempt. Also the SMS sink,
/// anonymisation and deletion, run as global actions.
final class WebhookTests: XCTestCase {
    var guichet: TestGuichet!
    var receiver: Application!
    let received = NIOLockedValueBox<[(signature: String, body: String)]>([])

    override func setUp() async throws {
        guichet = try await TestGuichet.make()
        receiver = try await Application.make(Environment(name: "testing", arguments: ["receiver"]))
        receiver.http.server.configuration.hostname = "127.0.0.1"
        receiver.http.server.configuration.port = 0
        let received = self.received
        receiver.post("dossiers") { req async throws -> Response in
            let body = req.body.string ?? ""
            received.withLockedValue { $0.append((req.headers.first(name: "X-Guichet-Signature") ?? "", body)) }
            return Response(status: .created, body: .init(string: #"{"dossier":"ERP-42"}"#))
        }
        receiver.post("archives") { _ async throws -> Response in Response(status: .serviceUnavailable) }
        // An attacker's receiver bouncing the call to the cloud metadata service, or back inside the network.
        receiver.post("rebond") { req async throws -> Response in req.redirect(to: "http://169.254.169.254/latest/meta-data/", redirectType: .temporary) }
        receiver.post("rebond-interne") { req async throws -> Response in req.redirect(to: "/interne", redirectType: .temporary) }
        receiver.on(.POST, "interne") { _ async throws -> Response in
            received.withLockedValue { $0.append(("interne", "")) }
            return Response(status: .ok, body: .init(string: "mot de passe de la base"))
        }
        try await receiver.startup()
    }

    override func tearDown() async throws {
        try await receiver.asyncShutdown()
        try await guichet.shutdown()
    }

    func definition(port: Int) throws -> DemarcheDefinition {
        let json = """
        {"slug": "demande-erp", "title": "Demande transmise à l'ERP", "summary": "Test",
         "form": {"fields": [{"id": "objet", "label": "Objet", "type": "text", "required": true},
                             {"id": "nom", "label": "Nom", "type": "text"},
                             {"id": "email", "label": "E-mail", "type": "email", "required": true},
                             {"id": "telephone", "label": "Téléphone", "type": "phone"}]},
         "workflow": {"initialStatus": "recue",
           "statuses": [
             {"id": "recue", "label": "Reçue", "colour": "blue", "onEnter": [{"type": "webhook", "id": "erp", "url": "http://127.0.0.1:\(port)/dossiers"}]},
             {"id": "enregistree", "label": "Enregistrée", "colour": "orange", "onEnter": [
               {"type": "webhook", "id": "archive", "url": "http://127.0.0.1:\(port)/archives", "onError": "erreur"}]},
             {"id": "erreur", "label": "Erreur de transmission", "colour": "red", "isEnd": true, "visibleToCitizen": false},
             {"id": "close", "label": "Close", "colour": "grey", "isEnd": true}],
           "transitions": [
             {"id": "enregistrer", "label": "Enregistrée par l'ERP", "from": ["recue"], "to": "enregistree", "trigger": "automatic",
              "condition": "non vide(reponse_erp)"},
             {"id": "clore", "label": "Clore", "from": ["recue", "enregistree"], "to": "close", "roles": ["admin"]}],
           "globalActions": [
             {"id": "sms", "label": "SMS", "roles": ["admin"], "actions": [{"type": "sms", "to": "{{ telephone }}", "text": "Demande {{ numero_demande }} : {{ statut_demande }}"}]},
             {"id": "anonymiser", "label": "Anonymiser", "roles": ["admin"], "actions": [{"type": "anonymise"}]},
             {"id": "supprimer", "label": "Supprimer", "roles": ["admin"], "actions": [{"type": "delete"}]}]}}
        """
        return try DemarcheDefinition.parse(json: Data(json.utf8)).get()
    }

    func testAWebhookIsNeverRedirectedNorSentToAPrivateAddress() async throws {
        let port = try XCTUnwrap(receiver.http.server.shared.localAddress?.port)
        let admin = try await XCTUnwrapAsync(try await guichet.store.operatorScope(slug: "caluire-et-cuire"))
        let metropole = try await XCTUnwrapAsync(try await guichet.agentScope("admin@metropole.demo.fr", "metropole"))
        for path in ["rebond", "rebond-interne"] {
            var definition = try definition(port: port)
            definition.workflow.statuses[0].onEnter = [.webhook(id: "erp", url: "http://127.0.0.1:\(port)/\(path)", onError: nil)]
            try await guichet.store.publish(definition, in: admin)
            let (number, _) = try await file("Rebond")
            try await guichet.app.outboxWorker.deliverDue()
            let request = try await XCTUnwrapAsync(try await guichet.store.demande(number: number, in: admin))
            XCTAssertNil(request.backOffice["reponse_erp"], "no answer recorded from a redirect")
            let failing = try await guichet.store.failingMessages(in: metropole)
            XCTAssertTrue(failing.contains { $0.lastError == "HTTP 307 : redirection refusée" }, "\(failing.map(\.lastError))")
            try await guichet.store.retryFailingMessages(in: metropole)
        }
        XCTAssertTrue(received.withLockedValue { $0 }.isEmpty, "the redirect target inside was never called")

        // Without the tests' allowance (production's default), the loopback receiver is not even called.
        let strict = try await TestGuichet.make(seed: true) { $0.outbound = .publicHTTPSOnly }
        do {
            let scope = try await XCTUnwrapAsync(try await strict.store.operatorScope(slug: "caluire-et-cuire"))
            try await strict.store.publish(try definition(port: port), in: scope)
            let page = try await strict.browser().json(.POST, "/api/v1/collectivites/caluire-et-cuire/demarches/demande-erp/demandes",
                                                       ["data": ["objet": "Interne", "email": "lea@exemple.fr"]])
            XCTAssertEqual(page.status, .created, page.body)
            try await strict.app.outboxWorker.deliverDue()
            let platform = try await XCTUnwrapAsync(try await strict.agentScope("admin@metropole.demo.fr", "metropole"))
            let failing = try await strict.store.failingMessages(in: platform)
            XCTAssertEqual(failing.compactMap(\.lastError), ["schéma http:// refusé (https seulement)"])
            XCTAssertTrue(received.withLockedValue { $0 }.isEmpty)
        } catch { XCTFail("\(error)") }
        try await strict.shutdown()
    }

    func file(_ objet: String) async throws -> (number: String, code: String) {
        let page = try await guichet.browser().json(.POST, "/api/v1/collectivites/caluire-et-cuire/demarches/demande-erp/demandes",
                                                    ["data": ["objet": objet, "nom": "Léa Durand", "email": "lea@exemple.fr", "telephone": "0612345678"]])
        XCTAssertEqual(page.status, .created, page.body)
        let body = try JSONSerialization.jsonObject(with: Data(page.body.utf8)) as! [String: Any]
        return (body["number"] as! String, body["tracking_code"] as! String)
    }

    func testSignedCallsAnswersAndTheErrorBranch() async throws {
        let port = try XCTUnwrap(receiver.http.server.shared.localAddress?.port)
        let admin = try await XCTUnwrapAsync(try await guichet.store.operatorScope(slug: "caluire-et-cuire"))
        try await guichet.store.publish(try definition(port: port), in: admin)
        let (number, code) = try await file("Raccordement")

        try await guichet.app.outboxWorker.deliverDue()
        let calls = received.withLockedValue { $0 }
        XCTAssertEqual(calls.count, 1)
        // The receiver checks the signature with the key its admins read in the back-office.
        let key = guichet.app.guichet.webhookKey("caluire-et-cuire")
        XCTAssertNotEqual(key, guichet.app.guichet.webhookKey("bron"), "one key per collectivité")
        let timestamp = try XCTUnwrap(Int(calls[0].signature.split(separator: ",")[0].dropFirst(2)))
        XCTAssertEqual(calls[0].signature, WebhookClient.signature(body: calls[0].body, timestamp: timestamp, key: key))
        XCTAssertNotEqual(calls[0].signature, WebhookClient.signature(body: calls[0].body + " ", timestamp: timestamp, key: key))
        let sent = try JSONSerialization.jsonObject(with: Data(calls[0].body.utf8)) as! [String: Any]
        XCTAssertEqual(sent["numero"] as? String, number)
        XCTAssertEqual((sent["donnees"] as? [String: Any])?["objet"] as? String, "Raccordement")

        var request = try await XCTUnwrapAsync(try await guichet.store.demande(number: number, in: admin))
        XCTAssertEqual(request.backOffice["reponse_erp"], .text(#"{"dossier":"ERP-42"}"#))
        XCTAssertEqual(request.status, "enregistree", "the automatic transition read the answer")

        // The archive is down: retried with backoff, then the error branch after the last attempt.
        for attempt in 1...WorkflowAction.webhookAttempts {
            try await guichet.app.outboxWorker.deliverDue()
            request = try await XCTUnwrapAsync(try await guichet.store.demande(number: number, in: admin))
            XCTAssertEqual(request.status, attempt < WorkflowAction.webhookAttempts ? "enregistree" : "erreur", "attempt \(attempt)")
            guichet.clock.advance(3600)
        }
        XCTAssertEqual(request.events.last(where: { $0.kind == "webhook_failed" })?.body, "Webhook « archive » en échec : HTTP 503")
        // The error status is hidden from the citizen: they still see the last status they could see.
        let followed = try await XCTUnwrapAsync(try await guichet.store.demandeForCitizen(number: number, accountID: nil, trackingCode: code))
        XCTAssertEqual(followed.status, "enregistree")
        XCTAssertEqual(followed.events.compactMap(\.toStatus), ["recue", "enregistree"])
        let metropole = try await XCTUnwrapAsync(try await guichet.agentScope("admin@metropole.demo.fr", "metropole"))
        let failing = try await guichet.store.failingMessages(in: metropole)
        XCTAssertTrue(failing.isEmpty, "a webhook that took its error branch is no longer retried")
        // The outbox holds every tenant's messages: a commune's admin may not read or retry it.
        let communeAdmin = try await XCTUnwrapAsync(try await guichet.agentScope("admin@caluire-et-cuire.demo.fr", "caluire-et-cuire"))
        do { _ = try await guichet.store.failingMessages(in: communeAdmin); XCTFail("a commune's admin read the outbox") } catch StoreError.forbidden {}
        do { try await guichet.store.retryFailingMessages(in: communeAdmin); XCTFail("a commune's admin retried the outbox") } catch StoreError.forbidden {}
    }

    func testSMSAnonymisationAndDeletion() async throws {
        let admin = try await XCTUnwrapAsync(try await guichet.store.operatorScope(slug: "caluire-et-cuire"))
        try await guichet.store.publish(try definition(port: 9), in: admin)
        let (number, _) = try await file("Mon adresse privée")
        guard case .success = try await guichet.store.runAction(number: number, actionID: "sms", in: admin, actor: .system) else { return XCTFail() }
        let due = try await guichet.store.dueMessages(limit: 100)
        XCTAssertTrue(due.contains { $0.message == .sms(SMSMessage(to: "06 12 34 56 78", text: "Demande \(number) : Reçue")) }, "\(due.map(\.message))")

        _ = try await guichet.store.runAction(number: number, actionID: "anonymiser", in: admin, actor: .system)
        let anonymous = try await XCTUnwrapAsync(try await guichet.store.demande(number: number, in: admin))
        XCTAssertEqual(anonymous.data, [:])
        XCTAssertEqual(anonymous.email, "")
        XCTAssertEqual(anonymous.events.last?.kind, "anonymised")
        var query = InboxQuery(); query.text = "privée"
        let found = try await guichet.store.inbox(query, in: admin).total
        XCTAssertEqual(found, 0, "the search index forgot the answers")
        let row = try await guichet.store.inbox(InboxQuery(), in: admin).rows.first { $0.number == number }
        XCTAssertEqual(row?.citizenName, "Usager", "the name the citizen filed under is gone too")
        XCTAssertFalse(anonymous.events.contains { $0.actorName.contains("Léa") })

        _ = try await guichet.store.runAction(number: number, actionID: "supprimer", in: admin, actor: .system)
        let gone = try await guichet.store.demande(number: number, in: admin)
        XCTAssertNil(gone)
    }
}
