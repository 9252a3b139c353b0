import Foundation
import GuichetTestSupport
import Logging
import Messaging
import Routing
@testable import Storage
import Vapor
import XCTest

/// The relay (issue 16): a request filed with the Métropole that a commune answers for is e-mailed to its town
/// hall with its files and a link by which the town hall acknowledges, answers and closes it without an account;
/// the Métropole follows each relay and its admins are alerted of those failing or left unacknowledged.
final class RelayTests: XCTestCase {
    var guichet: TestGuichet!
    override func setUp() async throws { guichet = try await TestGuichet.make() }
    override func tearDown() async throws { try await guichet.shutdown() }

    typealias Routing = CompetenceRoutingTests

    /// Files a lighting report in Albigny-sur-Saône (no membership: relayed by e-mail), or at a point of another
    /// commune; returns its number.
    func fileInAlbigny(_ category: String = "eclairage", lat: String = "45.8705", lon: String = "4.8324") async throws -> String {
        let citizen = guichet.browser()
        try await citizen.get(Routing.form)
        let sent = try await citizen.postMultipart(Routing.form, Routing.report(category, lat: lat, lon: lon),
                                                   files: [("photo", "lampadaire éteint.png", Routing.png)])
        XCTAssertEqual(sent.status, .seeOther, sent.body)
        let receipt = try await citizen.get(try XCTUnwrap(sent.location))
        return try XCTUnwrap(receipt.text(id: "numero"))
    }

    func relayMail() async throws -> OutboxMail {
        let outbox = try await guichet.outbox()
        return try XCTUnwrap(outbox.first { $0.to == "accueil@mairie-albignysursaone.fr" })
    }

    func link(in mail: OutboxMail) throws -> String {
        let line = try XCTUnwrap(mail.text.split(separator: "\n").first { $0.contains("/relais/") })
        return String(line[try XCTUnwrap(line.range(of: "/relais/")).lowerBound...]).trimmingCharacters(in: .whitespaces)
    }

    func status(of number: String) async throws -> String? {
        try await guichet.store.sql.raw("SELECT status FROM demandes WHERE number = \(bind: number)").first(decodingColumn: "status", as: String.self)
    }

    func testALightingReportIsRelayedToTheTownHallWithItsAnswersItsPhotoAndALink() async throws {
        let number = try await fileInAlbigny()
        let mail = try await relayMail()
        XCTAssertEqual(mail.subject, "Demande \(number) relayée par la Métropole de Lyon : Éclairage public")
        XCTAssertTrue(mail.text.contains("Description : Lampadaire éteint"), mail.text)
        XCTAssertTrue(mail.text.contains("Usager : Jeanne Martin <jeanne@exemple.fr>"), mail.text)
        XCTAssertTrue(mail.text.contains("- lampadaire éteint.png (jointe à ce message)"), mail.text)
        XCTAssertEqual(mail.attachments.map(\.filename), ["lampadaire éteint.png"])

        // Delivered as the outbox does it: the photo read from the vault and attached.
        let folder = guichet.mailFolder.appendingPathComponent("relay-test")
        let worker = OutboxWorker(store: guichet.store, transport: FileMailTransport(folder: folder, from: "guichet@grandlyon.test"),
                                  sms: FileSMSGateway(folder: guichet.mailFolder),
                                  webhooks: WebhookClient(keys: WebhookKeys(secret: Data("test".utf8)), client: OutboundHTTP(policy: .publicHTTPSOnly)),
                                  logouts: BackChannelLogout(store: guichet.store, issuer: "http://127.0.0.1:8080", client: OutboundHTTP(policy: .publicHTTPSOnly)),
                                  logger: Logger(label: "test"))
        _ = try await worker.deliverDue()
        let files = try FileManager.default.contentsOfDirectory(at: folder, includingPropertiesForKeys: nil)
        let eml = try files.map { try String(contentsOf: $0, encoding: .utf8) }.first { $0.contains("To: accueil@mairie-albignysursaone.fr") }
        let message = try XCTUnwrap(eml)
        XCTAssertTrue(message.contains("Content-Type: multipart/mixed"), message)
        XCTAssertTrue(message.contains("filename*=UTF-8''lampadaire%20%C3%A9teint.png"), message)
        XCTAssertTrue(message.contains("Content-Type: image/png\r\n"), message)
        XCTAssertTrue(message.contains(Data(Routing.png).base64EncodedString()), "the photo's bytes, in base64")

        // The request's history and the Métropole's page say where it went.
        let agent = guichet.browser()
        _ = try await agent.signIn("admin@metropole.demo.fr", password: "Guichet-Demo-2026!")
        let page = try await agent.get("/bo/metropole/demandes/\(number)")
        XCTAssertTrue(page.contains("Relayée par e-mail à la mairie d&#39;Albigny-sur-Saône (accueil@mairie-albignysursaone.fr)"), page.body)
        XCTAssertTrue(page.contains("<ul id=\"relais\"><li>Relayée par e-mail à accueil@mairie-albignysursaone.fr le "), page.body)
        XCTAssertTrue(page.contains(" — envoyée — sans accusé de réception</li>"), page.body)
    }

    func testTheTownHallAcknowledgesAnswersAndClosesThroughTheLinkWithoutAnAccount() async throws {
        let number = try await fileInAlbigny()
        let path = try link(in: try await relayMail())
        let townHall = guichet.browser()
        let page = try await townHall.get(path)
        XCTAssertEqual(page.status, .ok)
        XCTAssertEqual(page.headers.first(name: .cacheControl), "no-store")
        XCTAssertEqual(page.headers.first(name: "Referrer-Policy"), "no-referrer")
        XCTAssertTrue(page.contains("Lampadaire éteint"))

        let forged = try await townHall.post(path + "/cloture", [], withCSRF: false)
        XCTAssertEqual(forged.status, .forbidden, "a form from elsewhere changes nothing")
        let acknowledged = try await townHall.post(path + "/reception", [])
        XCTAssertEqual(acknowledged.status, .seeOther)
        let afterAck = try await status(of: number)
        XCTAssertEqual(afterAck, "en_cours", "taken in hand, as an agent's « Prendre en charge »")
        let reread = try await townHall.get(path)
        XCTAssertNotNil(reread.text(id: "reception"))

        let empty = try await townHall.post(path + "/reponse", [("texte", "  ")])
        XCTAssertEqual(empty.status, .unprocessableEntity)
        XCTAssertTrue(empty.contains("Écrivez votre réponse"), empty.body)
        let answered = try await townHall.post(path + "/reponse", [("texte", "L'équipe éclairage passe jeudi.")])
        XCTAssertEqual(answered.status, .seeOther, answered.body)
        let toCitizen = try await guichet.outbox().filter { $0.to == "jeanne@exemple.fr" }
        XCTAssertTrue(toCitizen.contains { $0.text.contains("la mairie d'Albigny-sur-Saône vous écrit") && $0.text.contains("L'équipe éclairage passe jeudi.") },
                      toCitizen.map(\.text).joined(separator: "\n---\n"))

        let closed = try await townHall.post(path + "/cloture", [])
        XCTAssertEqual(closed.status, .seeOther, closed.body)
        let afterClose = try await status(of: number)
        XCTAssertEqual(afterClose, "resolue", "a favourable end, not « classée sans suite »")
        let again = try await townHall.post(path + "/cloture", [])
        XCTAssertEqual(again.status, .conflict)
        XCTAssertTrue(again.contains("déjà close"), again.body)

        // The citizen's follow page shows the town hall's steps under its name.
        let scope = try await XCTUnwrapAsync(try await guichet.store.operatorScope(slug: "metropole"))
        let detail = try await XCTUnwrapAsync(try await guichet.store.demande(number: number, in: scope))
        XCTAssertEqual(detail.events.map(\.kind), ["submitted", "relayed", "relay_acknowledged", "transition", "message", "transition"])
        XCTAssertEqual(Set(detail.events.dropFirst(2).map(\.actorName)), ["Mairie d'Albigny-sur-Saône"])
        let relay = try await guichet.store.relays(ofDemande: detail.id)
        XCTAssertNotNil(relay.first?.closedAt)
    }

    func testALinkOpensOnlyItsOwnRequestAndNotOnceExpired() async throws {
        _ = try await fileInAlbigny()
        let path = try link(in: try await relayMail())
        let stranger = guichet.browser()
        let guessed = try await stranger.get("/relais/" + String(repeating: "A", count: 43))
        XCTAssertEqual(guessed.status, .notFound)
        let townHall = guichet.browser()
        _ = try await townHall.get(path)
        let malformed = try await townHall.post("/relais/x/cloture", [])
        XCTAssertEqual(malformed.status, .notFound)
        guichet.clock.advance(days: Relay.linkLifetimeDays + 1)
        let expired = try await stranger.get(path)
        XCTAssertEqual(expired.status, .notFound)
        let closing = try await townHall.post(path + "/cloture", [])
        XCTAssertEqual(closing.status, .notFound)
        let relays = try await guichet.store.sql.raw("SELECT closed_at FROM relays").all(decodingColumn: "closed_at", as: Int64?.self)
        XCTAssertEqual(relays, [nil], "nothing changed")
    }

    func testARequestTheMetropoleAnswersForIsNotRelayed() async throws {
        _ = try await fileInAlbigny("voirie")
        let relays = try await guichet.store.sql.raw("SELECT COUNT(*) AS n FROM relays").first(decodingColumn: "n", as: Int.self)
        XCTAssertEqual(relays, 0)
        let bron = try await guichet.outbox().filter { $0.to == "accueil@mairie-albignysursaone.fr" }
        XCTAssertTrue(bron.isEmpty)
    }

    func testACommuneWithoutAnAddressIsRecordedAndTheAdminsAreAlertedOnceAsAreLateRelays() async throws {
        // Villeurbanne's town hall has no e-mail address in the territory data.
        let citizen = guichet.browser()
        try await citizen.get(Routing.form)
        let sent = try await citizen.postMultipart(Routing.form, Routing.report("eclairage", lat: "", lon: "", city: "Villeurbanne"))
        XCTAssertEqual(sent.status, .seeOther, sent.body)
        _ = try await fileInAlbigny()

        let alert = { @Sendable (to: String, relays: [StoredRelay]) in
            OutboxMail(to: to, subject: "alerte", text: relays.map { "\($0.number) \($0.commune) \($0.delivery)" }.joined(separator: "\n"))
        }
        let first = try await guichet.store.alertStaleRelays(unacknowledgedFor: 48, mail: alert)
        XCTAssertEqual(first, 1, "the relay without an address, at once")
        guichet.clock.advance(49 * 3600)
        let second = try await guichet.store.alertStaleRelays(unacknowledgedFor: 48, mail: alert)
        XCTAssertEqual(second, 1, "Albigny's, unacknowledged after 48 hours; Villeurbanne's not again")
        let third = try await guichet.store.alertStaleRelays(unacknowledgedFor: 48, mail: alert)
        XCTAssertEqual(third, 0)
        let alerts = try await guichet.outbox().filter { $0.subject == "alerte" }
        XCTAssertEqual(Set(alerts.map(\.to)), ["admin@metropole.demo.fr"])
        XCTAssertTrue(alerts.contains { $0.text.contains("villeurbanne noAddress") }, alerts.map(\.text).joined(separator: "\n"))

        // The list the alert leads to, for the Métropole's admins only.
        let admin = guichet.browser()
        _ = try await admin.signIn("admin@metropole.demo.fr", password: "Guichet-Demo-2026!")
        let failing = try await admin.get("/bo/metropole/relais?filtre=en-echec")
        XCTAssertEqual(failing.status, .ok)
        XCTAssertTrue(failing.contains("Aucune adresse connue") && failing.contains("Villeurbanne"), failing.body)
        XCTAssertFalse(failing.contains("accueil@mairie-albignysursaone.fr"), "Albigny's is waiting to be sent: not failing")
        let communeAdmin = guichet.browser()
        _ = try await communeAdmin.signIn("admin@caluire-et-cuire.demo.fr", password: "Guichet-Demo-2026!")
        let refused = try await communeAdmin.get("/bo/caluire-et-cuire/relais")
        XCTAssertEqual(refused.status, .forbidden)
    }
}

extension RelayTests {
    func testAnAdminSendsACategorysRelaysToAnotherAddressAndABadLineIsRefused() async throws {
        let admin = guichet.browser()
        _ = try await admin.signIn("admin@metropole.demo.fr", password: "Guichet-Demo-2026!")
        _ = try await admin.get("/bo/metropole/competences/eclairage-public")
        let fields: [(String, String)] = [("libelle", "Éclairage public"), ("niveau", "commune"), ("service", "services-techniques")]
        let refused = try await admin.post("/bo/metropole/competences/eclairage-public", fields + [("adresses_relais", "Bron : voirie@\nParis : a@b.fr")])
        XCTAssertEqual(refused.status, .unprocessableEntity)
        XCTAssertTrue(refused.contains("Ligne 1 : « voirie@ » n&#39;est pas une adresse e-mail valide."), refused.body)
        XCTAssertTrue(refused.contains("Ligne 2 : « Paris » n&#39;est pas une commune de la Métropole."), refused.body)
        XCTAssertEqual(refused.textareaValue("adresses_relais"), "Bron : voirie@\nParis : a@b.fr", "drawn again as typed")
        let unchanged = try await guichet.store.competenceCategories().first { $0.id == "eclairage-public" }
        XCTAssertEqual(unchanged?.relayAddresses, [:])

        let saved = try await admin.post("/bo/metropole/competences/eclairage-public", fields + [("adresses_relais", "albigny-sur-saone : eclairage@mairie-albignysursaone.fr")])
        XCTAssertEqual(saved.status, .seeOther, saved.body)
        let page = try await admin.get("/bo/metropole/competences/eclairage-public")
        XCTAssertEqual(page.textareaValue("adresses_relais"), "Albigny-sur-Saône : eclairage@mairie-albignysursaone.fr")

        _ = try await fileInAlbigny()
        let outbox = try await guichet.outbox()
        XCTAssertTrue(outbox.contains { $0.to == "eclairage@mairie-albignysursaone.fr" && $0.subject.contains("relayée") })
        XCTAssertFalse(outbox.contains { $0.to == "accueil@mairie-albignysursaone.fr" })
    }
}

extension RelayTests {
    func testReCategorisingOrCorrectingThePlaceReroutesWithBothSidesInTheHistory() async throws {
        let number = try await fileInAlbigny()
        let bronLink = try link(in: try await relayMail())
        let agent = guichet.browser()
        _ = try await agent.signIn("admin@metropole.demo.fr", password: "Guichet-Demo-2026!")
        let page = try await agent.get("/bo/metropole/demandes/\(number)")
        XCTAssertTrue(page.contains("<details id=\"reorienter\">"), page.body)

        let bad = try await agent.post("/bo/metropole/demandes/\(number)/reorienter", [("categorie", "inconnue"), ("lieu", "")])
        XCTAssertEqual(bad.status, .unprocessableEntity)
        XCTAssertTrue(bad.contains("Choisissez une catégorie et un lieu de la liste."))

        // A pothole after all: the Métropole's; Albigny's link stops working.
        let toRoads = try await agent.post("/bo/metropole/demandes/\(number)/reorienter", [("categorie", "voirie"), ("lieu", "")])
        XCTAssertEqual(toRoads.status, .seeOther, toRoads.body)
        let scope = try await XCTUnwrapAsync(try await guichet.store.operatorScope(slug: "metropole"))
        var detail = try await XCTUnwrapAsync(try await guichet.store.demande(number: number, in: scope))
        XCTAssertEqual(detail.routing, StoredRouting(collectivite: "metropole", service: "services-techniques", category: "voirie"))
        XCTAssertEqual(detail.assignedRole, "services-techniques")
        XCTAssertEqual(detail.events.last?.body,
                       "Traitée par : Mairie d'Albigny-sur-Saône — Services techniques (Éclairage public) → Métropole de Lyon — Services techniques (Voirie)")
        let dead = try await guichet.browser().get(bronLink)
        XCTAssertEqual(dead.status, .notFound)
        let same = try await agent.post("/bo/metropole/demandes/\(number)/reorienter", [("categorie", "voirie"), ("lieu", "")])
        XCTAssertEqual(same.status, .seeOther)
        let afterSame = try await XCTUnwrapAsync(try await guichet.store.demande(number: number, in: scope))
        XCTAssertEqual(afterSame.events.count, detail.events.count, "nothing changed, nothing written")

        // Lighting again, but the lamp is in Cailloux-sur-Fontaines: relayed there.
        let moved = try await agent.post("/bo/metropole/demandes/\(number)/reorienter", [("categorie", "eclairage-public"), ("lieu", "cailloux-sur-fontaines")])
        XCTAssertEqual(moved.status, .seeOther)
        detail = try await XCTUnwrapAsync(try await guichet.store.demande(number: number, in: scope))
        XCTAssertEqual(detail.routing?.collectivite, "cailloux-sur-fontaines")
        XCTAssertEqual(Array(detail.events.suffix(2).map(\.kind)), ["rerouted", "relayed"])
        let outbox = try await guichet.outbox()
        XCTAssertTrue(outbox.contains { $0.to == "contact@mairie-caillouxsurfontaines.fr" && $0.subject == "Demande \(number) relayée par la Métropole de Lyon : Éclairage public" })
        let now = try await agent.get("/bo/metropole/demandes/\(number)")
        XCTAssertEqual(now.text(id: "traitee-par"), "Mairie de Cailloux-sur-Fontaines — Services techniques (Éclairage public)")

        // Cleanliness: the Métropole's cleaning service holds it now, as routing assigned it.
        _ = try await agent.post("/bo/metropole/demandes/\(number)/reorienter", [("categorie", "proprete"), ("lieu", "")])
        let cleaned = try await XCTUnwrapAsync(try await guichet.store.demande(number: number, in: scope))
        XCTAssertEqual(cleaned.assignedRole, "proprete")

        // A commune's agent does not re-route the Métropole's requests.
        let other = guichet.browser()
        _ = try await other.signIn("admin@caluire-et-cuire.demo.fr", password: "Guichet-Demo-2026!")
        _ = try await other.get("/bo/caluire-et-cuire/demandes")
        let refused = try await other.post("/bo/caluire-et-cuire/demandes/\(number)/reorienter", [("categorie", "voirie"), ("lieu", "")])
        XCTAssertEqual(refused.status, .notFound)
    }
}

extension RelayTests {
    func testATestServerSendsEveryRelayToItsOwnAddress() async throws {
        try await guichet.shutdown()
        guichet = try await TestGuichet.make { $0.relayRecipientOverride = "recette-relais@grandlyon.test" }
        let number = try await fileInAlbigny()
        let outbox = try await guichet.outbox()
        XCTAssertTrue(outbox.contains { $0.to == "recette-relais@grandlyon.test" && $0.subject.hasPrefix("Demande \(number) relayée") })
        XCTAssertFalse(outbox.contains { $0.to == "accueil@mairie-albignysursaone.fr" }, "no real town hall written to")
        let scope = try await XCTUnwrapAsync(try await guichet.store.operatorScope(slug: "metropole"))
        let detail = try await XCTUnwrapAsync(try await guichet.store.demande(number: number, in: scope))
        XCTAssertEqual(detail.events[1].body, "Relayée par e-mail à la mairie d'Albigny-sur-Saône (recette-relais@grandlyon.test), au lieu de accueil@mairie-albignysursaone.fr (GUICHET_RELAY_TO)")
    }
}
