import Crypto
import Foundation
import GuichetTestSupport
import NIOConcurrencyHelpers
import Routing
@testable import Storage
import Territory
import Vapor
import XCTest

/// The offre connecté (issue 16): a request relayed to a *connecté* commune goes to its own software through
/// its connector, each event signed, in order per request, retried until delivered, and the software answers
/// through an idempotent API.
final class ConnectorTests: XCTestCase {
    var guichet: TestGuichet!
    var receiver: ConnectorReceiver!
    var admin: Browser!
    override func setUp() async throws {
        guichet = try await TestGuichet.make()
        receiver = try await ConnectorReceiver.start()
        // Albigny-sur-Saône joins as *connectée* (no commune has that offer in the 2025 deliberation).
        var territory = try await guichet.store.collectivites()
        for i in territory.indices where territory[i].slug == Self.commune { territory[i].membership = .connecte }
        try await guichet.store.setMemberships(territory)
        admin = guichet.browser()
        _ = try await admin.signIn("admin@metropole.demo.fr", password: "Guichet-Demo-2026!")
    }
    override func tearDown() async throws {
        try await receiver.stop()
        try await guichet.shutdown()
    }

    static let commune = "albigny-sur-saone"
    typealias Routing = CompetenceRoutingTests

    /// Sets up the connector from the admins' page; returns the API token it shows once.
    func setUpConnector() async throws -> String {
        _ = try await admin.get("/bo/metropole/connecteurs")
        let page = try await admin.post("/bo/metropole/connecteurs", [("commune", Self.commune), ("url", receiver.url)])
        XCTAssertEqual(page.status, .ok, page.body)
        receiver.key = guichet.app.guichet.signingKeys.connectorKey(commune: Self.commune, generation: 1)
        XCTAssertTrue(page.contains(receiver.key), "the signing key, for the commune's integrator")
        return try XCTUnwrap(page.text(id: "jeton"))
    }

    func file() async throws -> String { try await fileAt(lat: "45.8705", lon: "4.8324", photo: true) }

    func deliver() async throws { try await guichet.app.connectorWorker.deliverDue() }

    func detail(_ number: String) async throws -> DemandeDetail {
        try await XCTUnwrapAsync(try await guichet.store.loadDemande(whereClause: "d.number = ", number, collectivite: nil))
    }

    func testARelayedRequestReachesTheCommunesSoftwareSignedAndWholeNotByEmail() async throws {
        _ = try await setUpConnector()
        let number = try await file()
        let outbox = try await guichet.outbox()
        XCTAssertFalse(outbox.contains { $0.to == "accueil@mairie-albignysursaone.fr" }, "no e-mail relay once the commune has its connector")
        try await deliver()
        let calls = receiver.calls.withLockedValue { $0 }
        XCTAssertEqual(calls.count, 1)
        let call = try XCTUnwrap(calls.first)
        XCTAssertTrue(call.signatureValid, "X-Guichet-Signature checks with the connector's key")
        XCTAssertEqual(call.event, "demande.transmise")
        let notice = try JSONDecoder().decode(ConnectorNotice.self, from: Data(call.body.utf8))
        XCTAssertEqual(notice.number, number)
        let request = try XCTUnwrap(notice.request)
        XCTAssertEqual(request.commune, Self.commune)
        XCTAssertEqual(request.citizen.email, "jeanne@exemple.fr")
        XCTAssertTrue(request.answers.contains { $0.value == "Lampadaire éteint" }, "\(request.answers)")
        let photo = try XCTUnwrap(request.files.first)
        XCTAssertEqual(photo.name, "lampadaire.png")

        // The file downloads with the connector's token, and only with it.
        let token = try await setUpConnectorToken()
        let path = String(photo.url[try XCTUnwrap(photo.url.range(of: "/api/")).lowerBound...])
        let downloaded = try await guichet.browser().get(path, headers: ["Authorization": "Bearer \(token)"])
        XCTAssertEqual(downloaded.status, .ok)
        XCTAssertEqual(downloaded.headers.contentType?.description, "image/png")
        let anonymous = try await guichet.browser().get(path)
        XCTAssertEqual(anonymous.status, .unauthorized)

        let page = try await admin.get("/bo/metropole/demandes/\(number)")
        XCTAssertTrue(page.contains("Transmise au logiciel de la mairie d&#39;Albigny-sur-Saône (connecteur)"), page.body)
    }

    /// The token shown at creation is gone; a rotation gives a new one (and a new key) for the test to use.
    func setUpConnectorToken() async throws -> String {
        let page = try await admin.post("/bo/metropole/connecteurs/\(Self.commune)/cles", [])
        receiver.key = guichet.app.guichet.signingKeys.connectorKey(commune: Self.commune, generation: 2)
        return try XCTUnwrap(page.text(id: "jeton"))
    }

    func testAReceiverThatFailsThenRecoversGetsEveryEventOnceAndInOrder() async throws {
        _ = try await setUpConnector()
        receiver.failing.withLockedValue { $0 = true }
        let number = try await file()
        try await deliver()
        // The citizen writes while the first event is still failing: the message waits behind it.
        try await guichet.store.reply(to: try await detail(number), text: "Il est au numéro 12.", files: [], actor: .citizen(nil, name: "Jeanne Martin"))
        guichet.clock.advance(31)
        try await deliver()
        XCTAssertEqual(receiver.calls.withLockedValue { $0.map(\.event) }, ["demande.transmise", "demande.transmise"],
                       "the message is not sent before the transmission it follows")
        let journal = try await admin.get("/bo/metropole/connecteurs/\(Self.commune)?filtre=en-echec")
        XCTAssertTrue(journal.contains("En échec, nouvel essai le"), journal.body)
        XCTAssertTrue(journal.contains("HTTP 503"), journal.body)

        // It recovers; the first answer after recovery is lost on the way back (a 500 after handling it).
        receiver.failing.withLockedValue { $0 = false }
        receiver.loseNextAnswer.withLockedValue { $0 = true }
        guichet.clock.advance(61)
        try await deliver()
        guichet.clock.advance(121)
        try await deliver()
        try await deliver()
        try await deliver()
        let handled = receiver.handled.withLockedValue { $0 }
        XCTAssertEqual(handled.map(\.event), ["demande.transmise", "demande.message"], "each event handled once, in order")
        XCTAssertGreaterThan(receiver.calls.withLockedValue { $0.count }, handled.count, "retries carried the same idempotency key")
        let pending = try await guichet.store.connectorDeliveries(commune: Self.commune, .pending, in: try await platform())
        XCTAssertEqual(pending.count, 0, "nothing left undelivered")

        // An admin replays the transmission: the receiver sees the same key again and does nothing twice.
        let all = try await guichet.store.connectorDeliveries(commune: Self.commune, .all, in: try await platform())
        let first = try XCTUnwrap(all.first { $0.event == .transmitted })
        _ = try await admin.get("/bo/metropole/connecteurs/\(Self.commune)")
        let replayed = try await admin.post("/bo/metropole/connecteurs/\(Self.commune)/rejouer", [("envoi", first.id)])
        XCTAssertEqual(replayed.status, .seeOther, replayed.body)
        try await deliver()
        XCTAssertEqual(receiver.calls.withLockedValue { $0.last?.key }, first.id)
        XCTAssertEqual(receiver.handled.withLockedValue { $0.count }, 2)
    }

    func testAConnectorFailingForADayIsStoppedWithAnAlertAndLosesNothing() async throws {
        _ = try await setUpConnector()
        receiver.failing.withLockedValue { $0 = true }
        _ = try await file()
        for _ in 0..<30 {
            try await deliver()
            guichet.clock.advance(3601)
        }
        let connector = try await XCTUnwrapAsync(try await guichet.store.connector(commune: Self.commune, in: try await platform()))
        XCTAssertFalse(connector.isEnabled, "stopped after \(Connector.disableAfter / 3600) hours of failure")
        let attempts = receiver.calls.withLockedValue { $0.count }
        XCTAssertGreaterThanOrEqual(attempts, 24, "retried for at least a day first")
        let alert = try await guichet.outbox().first { $0.subject == "Connecteur de Albigny-sur-Saône arrêté" }
        XCTAssertNotNil(alert, "the Métropole's admins are told")
        try await deliver()
        XCTAssertEqual(receiver.calls.withLockedValue { $0.count }, attempts, "a stopped connector is not called")

        // Started again once the commune's software works: what waited goes.
        receiver.failing.withLockedValue { $0 = false }
        admin = guichet.browser()  // a day later: a new sign-in
        _ = try await admin.signIn("admin@metropole.demo.fr", password: "Guichet-Demo-2026!")
        let journal = try await admin.get("/bo/metropole/connecteurs/\(Self.commune)")
        XCTAssertTrue(journal.contains("id=\"arret\""), journal.body)
        let started = try await admin.post("/bo/metropole/connecteurs/\(Self.commune)/etat", [("etat", "demarrer")])
        XCTAssertEqual(started.location, "/bo/metropole/connecteurs/\(Self.commune)")
        try await deliver()
        XCTAssertEqual(receiver.handled.withLockedValue { $0.map(\.event) }, ["demande.transmise"], "\(receiver.calls.withLockedValue { $0.count }) calls")
    }

    func testTheInboundAPIReplayedTwiceChangesStateOnce() async throws {
        _ = try await setUpConnector()
        let number = try await file()
        let token = try await setUpConnectorToken()
        let api = guichet.browser()
        func post(_ body: [String: Any], key: String?) async throws -> Browser.Page {
            var headers: HTTPHeaders = ["Authorization": "Bearer \(token)"]
            if let key { headers.add(name: "Idempotency-Key", value: key) }
            return try await api.json(.POST, "/api/v1/connecteur/demandes/\(number)/evenements", body, headers: headers)
        }
        let first = try await post(["type": "accuse_reception", "reference": "GRC-2026-0042"], key: "k-1")
        XCTAssertEqual(first.status, .ok, first.body)
        let again = try await post(["type": "accuse_reception", "reference": "GRC-2026-0042"], key: "k-1")
        XCTAssertEqual(again.status, .ok)
        XCTAssertEqual(again.body, first.body)
        XCTAssertEqual(again.headers.first(name: "Idempotent-Replayed"), "true")
        let acknowledged = try await detail(number).events.filter { $0.kind == DemandeEvent.Kind.relayAcknowledged.rawValue }
        XCTAssertEqual(acknowledged.count, 1, "the replay changed nothing")
        XCTAssertTrue(first.contains("\"reference\":\"GRC-2026-0042\""), first.body)

        let reused = try await post(["type": "message", "message": "Autre chose"], key: "k-1")
        XCTAssertEqual(reused.status, .unprocessableEntity, "a key reused for another call is refused")
        let keyless = try await post(["type": "accuse_reception"], key: nil)
        XCTAssertEqual(keyless.status, .badRequest)
        let unknown = try await post(["type": "supprimer"], key: "k-2")
        XCTAssertEqual(unknown.status, .unprocessableEntity)
        XCTAssertTrue(unknown.contains("accuse_reception"), unknown.body)

        // A message twice: one e-mail to the citizen, one history line.
        let message = ["type": "message", "message": "Une équipe passe jeudi."]
        let m1 = try await post(message, key: "k-3"), m2 = try await post(message, key: "k-3")
        XCTAssertEqual([m1.status, m2.status], [.ok, .ok], m2.body)
        let mails = try await guichet.outbox().filter { $0.to == "jeanne@exemple.fr" && $0.text.contains("Une équipe passe jeudi.") }
        XCTAssertEqual(mails.count, 1)
        let closed = try await post(["type": "cloture"], key: "k-4")
        XCTAssertEqual(closed.status, .ok, closed.body)
        XCTAssertTrue(closed.contains("\"closed\":true"), closed.body)
        let after = try await detail(number)
        XCTAssertEqual(after.demarche.definition.workflow.status(after.status)?.isEnd, true)
    }

    func testAConnectorSeesOnlyTheRequestsRelayedToItsCommune() async throws {
        _ = try await setUpConnector()
        let token = try await setUpConnectorToken()
        // A request in Bron (partenaire: into its back-office) and a pothole in Albigny, the Métropole's own.
        let bron = try await fileAt(lat: "45.7390", lon: "4.9130")
        let metropole = try await fileAt(lat: "45.8705", lon: "4.8324", category: "voirie")
        let pothole = try await detail(metropole)
        XCTAssertEqual(pothole.routing?.collectivite, TerritoryData.metropoleSlug, "the pothole stays with the Métropole")
        for number in [bron, metropole] {
            let read = try await guichet.browser().get("/api/v1/connecteur/demandes/\(number)", headers: ["Authorization": "Bearer \(token)"])
            XCTAssertEqual(read.status, .notFound, read.body)
            let write = try await guichet.browser().json(.POST, "/api/v1/connecteur/demandes/\(number)/evenements", ["type": "cloture"],
                                                         headers: ["Authorization": "Bearer \(token)", "Idempotency-Key": "x-\(number)"])
            XCTAssertEqual(write.status, .notFound)
        }
        let wrong = try await guichet.browser().get("/api/v1/connecteur/demandes/\(bron)", headers: ["Authorization": "Bearer \(String(repeating: "A", count: 43))"])
        XCTAssertEqual(wrong.status, .unauthorized)
    }

    func testARerouteAwayTellsTheCommunesSoftwareAndEndsItsAccess() async throws {
        _ = try await setUpConnector()
        let number = try await file()
        let token = try await setUpConnectorToken()
        try await deliver()
        _ = try await admin.get("/bo/metropole/demandes/\(number)")
        let moved = try await admin.post("/bo/metropole/demandes/\(number)/reorienter", [("categorie", "eclairage-public"), ("lieu", "bron")])
        XCTAssertEqual(moved.status, .seeOther, moved.body)
        try await deliver()
        XCTAssertEqual(receiver.handled.withLockedValue { $0.map(\.event) }, ["demande.transmise", "demande.retiree"])
        let read = try await guichet.browser().get("/api/v1/connecteur/demandes/\(number)", headers: ["Authorization": "Bearer \(token)"])
        XCTAssertEqual(read.status, .notFound)
    }

    func testTheAdminsPageRefusesABadAddressBesideTheField() async throws {
        _ = try await admin.get("/bo/metropole/connecteurs")
        let page = try await admin.post("/bo/metropole/connecteurs", [("commune", Self.commune), ("url", "ftp://grc.example")])
        XCTAssertEqual(page.status, .unprocessableEntity)
        XCTAssertTrue(page.contains("id=\"url-erreur\""), page.body)
        let none = try await guichet.store.connectors(in: try await platform())
        XCTAssertTrue(none.isEmpty)
        let commune = try await admin.post("/bo/metropole/connecteurs", [("commune", "bron"), ("url", receiver.url)])
        XCTAssertEqual(commune.status, .unprocessableEntity, "Bron is partenaire, not connectée")
        let agent = guichet.browser()
        _ = try await agent.signIn("agent@caluire-et-cuire.demo.fr", password: "Guichet-Demo-2026!")
        let forbidden = try await agent.get("/bo/caluire-et-cuire/connecteurs")
        XCTAssertEqual(forbidden.status, .forbidden)
    }

    /// A report (of a street lamp, unless `category` says otherwise) at a point, with a photo or not; returns its number.
    func fileAt(lat: String, lon: String, category: String = "eclairage", photo: Bool = false) async throws -> String {
        let citizen = guichet.browser()
        try await citizen.get(Routing.form)
        let sent = try await citizen.postMultipart(Routing.form, Routing.report(category, lat: lat, lon: lon),
                                                   files: photo ? [("photo", "lampadaire.png", Routing.png)] : [])
        XCTAssertEqual(sent.status, .seeOther, sent.body)
        let receipt = try await citizen.get(try XCTUnwrap(sent.location))
        return try XCTUnwrap(receipt.text(id: "numero"))
    }

    func platform() async throws -> TenantScope {
        try await XCTUnwrapAsync(try await guichet.store.operatorScope(slug: TerritoryData.metropoleSlug))
    }
}

/// A commune's software, as a local HTTP server: it checks each call's signature, handles an idempotency key
/// once (as a receiver should), can fail (503), or handle a call and lose its answer (500).
final class ConnectorReceiver: @unchecked Sendable {
    struct Call: Sendable { var key: String; var event: String; var body: String; var signatureValid: Bool }
    let app: Application
    let calls = NIOLockedValueBox<[Call]>([])
    let handled = NIOLockedValueBox<[Call]>([])
    let failing = NIOLockedValueBox(false)
    let loseNextAnswer = NIOLockedValueBox(false)
    private let keyBox = NIOLockedValueBox("")
    var key: String { get { keyBox.withLockedValue { $0 } } set { keyBox.withLockedValue { $0 = newValue } } }
    var url: String

    private init(app: Application) { self.app = app; url = "" }

    static func start() async throws -> ConnectorReceiver {
        let app = try await Application.make(Environment(name: "testing", arguments: ["receiver"]))
        app.http.server.configuration.hostname = "127.0.0.1"
        app.http.server.configuration.port = 0
        let receiver = ConnectorReceiver(app: app)
        app.post("evenements") { req async throws -> Response in receiver.receive(req) }
        try await app.startup()
        receiver.url = "http://127.0.0.1:\(app.http.server.shared.localAddress?.port ?? 0)/evenements"
        return receiver
    }

    func receive(_ req: Request) -> Response {
        let body = req.body.string ?? ""
        let signature = req.headers.first(name: "X-Guichet-Signature") ?? ""
        let timestamp = signature.split(separator: ",").first.flatMap { Int($0.dropFirst(2)) } ?? 0
        let expected = "t=\(timestamp),v1=" + HMAC<SHA256>.authenticationCode(for: Data("\(timestamp).\(body)".utf8), using: SymmetricKey(data: Data(key.utf8)))
            .map { String(format: "%02x", $0) }.joined()
        let call = Call(key: req.headers.first(name: "Idempotency-Key") ?? "", event: req.headers.first(name: "X-Guichet-Event") ?? "",
                        body: body, signatureValid: signature == expected)
        calls.withLockedValue { $0.append(call) }
        if failing.withLockedValue({ $0 }) { return Response(status: .serviceUnavailable) }
        guard call.signatureValid else { return Response(status: .unauthorized) }
        handled.withLockedValue { seen in if !seen.contains(where: { $0.key == call.key }) { seen.append(call) } }
        if loseNextAnswer.withLockedValue({ lose in defer { lose = false }; return lose }) { return Response(status: .internalServerError) }
        return Response(status: .ok)
    }

    func stop() async throws { try await app.asyncShutdown() }
}
