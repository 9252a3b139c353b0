import Demarches
import Foundation
import GuichetTestSupport
import Logging
import Messaging
import NIOConcurrencyHelpers
import Storage
import Territory
import Vapor
import XCTest

/// How the outbox worker takes and marks messages: claimed so that a second worker (another process, a command)
/// cannot deliver them too, marked sent one by one, destinations delivered side by side.
final class OutboxDeliveryTests: XCTestCase {
    var guichet: TestGuichet!

    override func setUp() async throws { guichet = try await TestGuichet.make(seed: false) }
    override func tearDown() async throws { try await guichet.shutdown() }

    func mails(_ count: Int) -> [OutboxMail] {
        (1...count).map { OutboxMail(to: "usager\($0)@exemple.fr", subject: "Message \($0)", text: "Bonjour") }
    }

    func worker(_ transport: any MailTransport, webhooks: OutboundPolicy = .publicHTTPSOnly) -> OutboxWorker {
        OutboxWorker(store: guichet.store, transport: transport, sms: FileSMSGateway(folder: guichet.mailFolder),
                     webhooks: WebhookClient(keys: WebhookKeys(secret: Data("test".utf8)), client: OutboundHTTP(policy: webhooks)),
                     logouts: BackChannelLogout(store: guichet.store, issuer: "http://127.0.0.1:8080", client: OutboundHTTP(policy: webhooks)),
                     logger: Logger(label: "test"))
    }

    func testAClaimedMessageIsNobodyElsesUntilItsLeaseRunsOut() async throws {
        try await guichet.store.enqueue(mails(3))
        let first = try await guichet.store.claimDue(limit: 2, lease: OutboxWorker.defaultLease)
        let second = try await guichet.store.claimDue(limit: 10, lease: OutboxWorker.defaultLease)
        XCTAssertEqual(first.count, 2)
        XCTAssertEqual(second.count, 1, "only the unclaimed one")
        XCTAssertTrue(Set(first.map(\.id)).isDisjoint(with: second.map(\.id)))
        let none = try await guichet.store.claimDue(limit: 10, lease: OutboxWorker.defaultLease)
        XCTAssertEqual(none.count, 0)

        // The first claimant delivered one and died: the other comes back once the lease ran out.
        try await guichet.store.markSent(first[0].id)
        guichet.clock.advance(OutboxWorker.defaultLease + 1)
        let again = try await guichet.store.claimDue(limit: 10, lease: OutboxWorker.defaultLease)
        XCTAssertEqual(Set(again.map(\.id)), Set([first[1].id, second[0].id]))
    }

    func testAServerAloneOnItsDatabaseTakesBackADeadPredecessorsClaimsAtOnce() async throws {
        try await guichet.store.enqueue(mails(3))
        let claimed = try await guichet.store.claimDue(limit: 3, lease: OutboxWorker.defaultLease)
        try await guichet.store.markSent(claimed[0].id)
        try await guichet.store.markFailed(claimed[1].id, error: "relais injoignable", retryAt: guichet.clock.now.addingTimeInterval(600))
        // The process dies holding the third. Its successor starts (`serve` on SQLite calls this under ServerLock).
        let released = try await guichet.store.releaseClaims()
        XCTAssertEqual(released, 1)
        let due = try await guichet.store.claimDue(limit: 10, lease: OutboxWorker.defaultLease)
        XCTAssertEqual(due.map(\.id), [claimed[2].id], "the dead claim is due now; the failed one keeps its backoff, the sent one stays sent")
    }

    func testTwoWorkersAtOnceSendEachMessageOnce() async throws {
        try await guichet.store.enqueue(mails(40))
        let transport = RecordingTransport()
        let a = worker(transport), b = worker(transport)
        async let one = a.deliverDue(limit: 25)
        async let two = b.deliverDue(limit: 25)
        let attempted = try await one + two
        XCTAssertEqual(attempted, 40)
        let sent = transport.sent.withLockedValue { $0 }
        XCTAssertEqual(sent.count, 40)
        XCTAssertEqual(Set(sent.map(\.id)).count, 40, "no message sent twice")
        let counts = try await guichet.store.outboxCounts()
        XCTAssertEqual(counts.pending, 0)
    }

    /// A crash after the relay accepted a message re-sends the messages in flight at most, not the whole round:
    /// one person's e-mails go in order, each marked sent before the next is tried; different people's go side
    /// by side, never more than `concurrentDestinations` at once.
    func testEachMessageIsMarkedSentBeforeTheNext() async throws {
        let oneCitizen = (1...5).map { OutboxMail(to: "lea@exemple.fr", subject: "Message \($0)", text: "Bonjour") }
        try await guichet.store.enqueue(oneCitizen)
        let guichet = self.guichet!
        let transport = RecordingTransport { try await guichet.sentMessageCount() }
        try await worker(transport).deliverDue()
        XCTAssertEqual(transport.sent.withLockedValue { $0.map(\.alreadySent) }, [0, 1, 2, 3, 4])

        try await guichet.store.enqueue(mails(40))
        let inFlight = InFlightTransport()
        try await worker(inFlight).deliverDue()
        XCTAssertEqual(inFlight.sent.withLockedValue { $0 }, 40)
        XCTAssertGreaterThan(inFlight.most.withLockedValue { $0 }, 1, "several recipients at once")
        XCTAssertLessThanOrEqual(inFlight.most.withLockedValue { $0 }, OutboxWorker.concurrentDestinations)
    }

    /// A relay that refuses everything fails every delivery in flight at once: each failure is recorded, with
    /// its attempt and its next try, none lost among the others.
    func testFailuresAtOnceAreAllRecorded() async throws {
        try await guichet.store.enqueue(mails(20))
        try await worker(RefusingTransport()).deliverDue()
        let counts = try await guichet.store.outboxCounts()
        XCTAssertEqual(counts.failing, 20)
        XCTAssertEqual(counts.pending, 20)
        let dueNow = try await guichet.store.dueMessages(limit: 100)
        XCTAssertEqual(dueNow.count, 0, "none due again before its backoff")
        guichet.clock.advance(OutboxWorker.backoff(attempts: 1) + 1)
        let retried = try await guichet.store.dueMessages(limit: 100)
        XCTAssertEqual(retried.count, 20)
        XCTAssertTrue(retried.allSatisfy { $0.attempts == 1 && $0.lastError == "relais indisponible" }, "each one's failure recorded")
    }

    /// Delivered messages hold tracking codes and one-time links in clear: gone after their retention, while an
    /// undelivered one stays however old.
    func testDeliveredMessagesArePurgedAfterTheirRetention() async throws {
        try await guichet.store.enqueue(mails(2))
        try await worker(RecordingTransport()).deliverDue()
        guichet.clock.advance(days: 20)
        try await guichet.store.enqueue([OutboxMail(to: "recent@exemple.fr", subject: "Récent", text: "x")])
        try await worker(RecordingTransport()).deliverDue()
        try await guichet.store.enqueue([OutboxMail(to: "en-attente@exemple.fr", subject: "Pas encore livré", text: "x")])
        let early = try await guichet.store.purgeSentMessages(retentionDays: 30)
        XCTAssertEqual(early, 0, "20 days: kept")
        guichet.clock.advance(days: 11)
        let purged = try await guichet.store.purgeSentMessages(retentionDays: 30)
        XCTAssertEqual(purged, 2, "the two delivered 31 days ago")
        let left = try await guichet.sentMessageCount()
        XCTAssertEqual(left, 1, "the one delivered 11 days ago")
        let pending = try await guichet.store.outboxCounts().pending
        XCTAssertEqual(pending, 1, "an undelivered message is never purged")
    }

    /// A webhook receiver that takes its time holds its own host's calls, not the e-mails queued after it.
    func testASlowWebhookDoesNotDelayTheEmails() async throws {
        let receiver = try await Application.make(Environment(name: "testing", arguments: ["receiver"]))
        receiver.http.server.configuration.hostname = "127.0.0.1"
        receiver.http.server.configuration.port = 0
        let answeredAt = NIOLockedValueBox<Date?>(nil)
        receiver.post("lent") { _ async throws -> Response in
            try await Task.sleep(for: .seconds(2))
            answeredAt.withLockedValue { $0 = Date() }
            return Response(status: .ok, body: .init(string: "ok"))
        }
        try await receiver.startup()
        let port = try XCTUnwrap(receiver.http.server.shared.localAddress?.port)

        try await guichet.store.loadTerritory(try TerritoryData.load())
        let admin = try await XCTUnwrapAsync(try await guichet.store.operatorScope(slug: "caluire-et-cuire"))
        let json = """
        {"slug": "erp", "title": "ERP", "summary": "Test", "form": {"fields": [{"id": "objet", "label": "Objet", "type": "text"}]},
         "workflow": {"initialStatus": "recue",
           "statuses": [{"id": "recue", "label": "Reçue", "colour": "blue", "onEnter": [{"type": "webhook", "id": "erp", "url": "http://127.0.0.1:\(port)/lent"}]},
                        {"id": "close", "label": "Close", "colour": "grey", "isEnd": true}],
           "transitions": [{"id": "clore", "label": "Clore", "from": ["recue"], "to": "close", "roles": ["admin"]}]}}
        """
        try await guichet.store.publish(try DemarcheDefinition.parse(json: Data(json.utf8)).get(), in: admin)
        let page = try await guichet.browser().json(.POST, "/api/v1/collectivites/caluire-et-cuire/demarches/erp/demandes", ["data": ["objet": "Lent"]])
        XCTAssertEqual(page.status, .created, page.body)
        guichet.clock.advance(1)
        try await guichet.store.enqueue(mails(3))

        let transport = RecordingTransport()
        let allowLoopback = OutboundPolicy(allowedNetworks: [IPNetwork("127.0.0.1")!], allowsPlainHTTP: true)
        try await worker(transport, webhooks: allowLoopback).deliverDue()
        let answered = try XCTUnwrap(answeredAt.withLockedValue { $0 }, "the webhook was called and answered")
        let sent = transport.sent.withLockedValue { $0 }
        XCTAssertEqual(sent.count, 3)
        XCTAssertTrue(sent.allSatisfy { $0.at < answered }, "every e-mail went while the webhook was still waiting")
        try await receiver.asyncShutdown()
    }
}

/// Records what it is asked to send, with what the probe said at that moment.
final class RecordingTransport: MailTransport, Sendable {
    struct Sent: Sendable { var id: String; var at: Date; var alreadySent: Int }
    let sent = NIOLockedValueBox<[Sent]>([])
    let probe: @Sendable () async throws -> Int
    init(probe: @escaping @Sendable () async throws -> Int = { 0 }) { self.probe = probe }

    func send(_ mail: OutboxMail, id: String) async throws {
        let already = try await probe()
        sent.withLockedValue { $0.append(Sent(id: id, at: Date(), alreadySent: already)) }
    }
}

/// Counts the sends in flight at once (each takes a few milliseconds, as a relay's answer does).
final class InFlightTransport: MailTransport, Sendable {
    let current = NIOLockedValueBox(0), most = NIOLockedValueBox(0), sent = NIOLockedValueBox(0)
    func send(_ mail: OutboxMail, id: String) async throws {
        let now = current.withLockedValue { $0 += 1; return $0 }
        most.withLockedValue { $0 = max($0, now) }
        try await Task.sleep(for: .milliseconds(5))
        current.withLockedValue { $0 -= 1 }
        sent.withLockedValue { $0 += 1 }
    }
}

/// A relay that is down.
struct RefusingTransport: MailTransport {
    struct Down: Error, CustomStringConvertible { var description: String { "relais indisponible" } }
    func send(_ mail: OutboxMail, id: String) async throws { throw Down() }
}
