import Demarches
import Foundation
import GuichetTestSupport
import Logging
import Messaging
import Storage
import Synchronization
import Territory
import XCTest

/// The outbox and the SMTP client against a real SMTP server (aiosmtpd, started by the test), with and without
/// STARTTLS and AUTH. Skipped where Python's aiosmtpd is not installed; `.ci/run` installs it.
final class SMTPDeliveryTests: XCTestCase {
    var guichet: TestGuichet!
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("smtp-\(UUID().uuidString)")

    override func setUp() async throws {
        try XCTSkipUnless(SMTPSink.available, "aiosmtpd is not installed")
        guichet = try await TestGuichet.make(seed: false)
    }

    override func tearDown() async throws {
        SMTPSink.stopAll()
        try await guichet?.shutdown()
        try? FileManager.default.removeItem(at: folder)
    }

    func testAMessageIsSentOnlyWhenTheServerAcceptedItAndRetriedUntilThen() async throws {
        let port = SMTPSink.freePort()
        let transport = SMTPTransport(configuration: SMTPConfiguration(url: "smtp://127.0.0.1:\(port)")!, from: "Guichet <ne-pas-repondre@guichet.example>")
        let worker = OutboxWorker(store: guichet.store, transport: transport, sms: FileSMSGateway(folder: guichet.mailFolder),
                                  webhooks: WebhookClient(keys: WebhookKeys(secret: Data("test".utf8)), client: OutboundHTTP(policy: .publicHTTPSOnly)),
                                  logouts: BackChannelLogout(store: guichet.store, issuer: "http://127.0.0.1:8080", client: OutboundHTTP(policy: .publicHTTPSOnly)),
                                  logger: Logger(label: "test"))
        try await guichet.store.enqueue([OutboxMail(to: "jean@exemple.fr", subject: "Votre demande CAL-2026-000001 a bien été reçue",
                                                    text: "Bonjour,\n.\nUne ligne qui commence par un point.\nÀ bientôt")])

        // Server down: the attempt fails, is recorded, and the message waits.
        try await worker.deliverDue()
        try await guichet.store.loadTerritory(try TerritoryData.load())
        let platform = try await XCTUnwrapAsync(try await guichet.store.operatorScope(slug: TerritoryData.metropoleSlug))
        let failing = try await guichet.store.failingMessages(in: platform)
        XCTAssertEqual(failing.count, 1)
        XCTAssertEqual(failing.first?.attempts, 1)
        XCTAssertFalse(failing.first?.lastError?.isEmpty ?? true)
        let retryIn = try XCTUnwrap(failing.first?.nextAttemptAt.timeIntervalSinceNow)
        XCTAssertGreaterThan(retryIn, 20)
        let whileDown = try await guichet.store.outboxCounts()
        XCTAssertEqual(whileDown.pending, 1)
        XCTAssertEqual(whileDown.failing, 1)
        let value1 = try await guichet.store.dueMessages(limit: 10).count
        XCTAssertEqual(value1, 0, "not due again before its backoff")

        // Server up, retry: delivered, and gone from the outbox.
        try SMTPSink.start(port: port, folder: folder)
        try await guichet.store.retryFailingMessages(in: platform)
        try await worker.deliverDue()
        let afterDelivery = try await guichet.store.outboxCounts()
        XCTAssertEqual(afterDelivery.pending, 0)
        XCTAssertEqual(afterDelivery.failing, 0)
        let received = try SMTPSink.messages(in: folder)
        XCTAssertEqual(received.count, 1)
        let message = try XCTUnwrap(received.first)
        XCTAssertTrue(message.contains("X-Envelope-To: jean@exemple.fr"))
        XCTAssertTrue(message.contains("Subject: =?UTF-8?B?"))
        let body = try XCTUnwrap(SMTPSink.decodedBody(message))
        XCTAssertEqual(body, "Bonjour,\r\n.\r\nUne ligne qui commence par un point.\r\nÀ bientôt", "dot-stuffing is undone by the server")
    }

    func testStartTLSAndAuthentication() async throws {
        let (cert, key) = try SMTPSink.selfSignedCertificate(in: folder)
        let port = try SMTPSink.start(folder: folder, extra: ["--tls", cert, key, "--auth", "guichet:s3cret"])
        let good = SMTPTransport(configuration: SMTPConfiguration(url: "smtp://guichet:s3cret@127.0.0.1:\(port)?starttls=always&verify=false")!,
                                 from: "ne-pas-repondre@guichet.example")
        try await good.send(OutboxMail(to: "a@exemple.fr", subject: "TLS", text: "chiffré"), id: "m1")
        XCTAssertEqual(try SMTPSink.messages(in: folder).count, 1)

        let wrongPassword = SMTPTransport(configuration: SMTPConfiguration(url: "smtp://guichet:faux@127.0.0.1:\(port)?verify=false")!,
                                          from: "ne-pas-repondre@guichet.example")
        do { try await wrongPassword.send(OutboxMail(to: "a@exemple.fr", subject: "x", text: "x"), id: "m2"); XCTFail("accepted a wrong password") }
        catch let error as SMTPError { XCTAssertTrue("\(error)".contains("AUTH"), "\(error)") }

        let unverified = SMTPTransport(configuration: SMTPConfiguration(url: "smtp://guichet:s3cret@127.0.0.1:\(port)")!,
                                       from: "ne-pas-repondre@guichet.example")
        do { try await unverified.send(OutboxMail(to: "a@exemple.fr", subject: "x", text: "x"), id: "m3"); XCTFail("trusted a self-signed certificate") }
        catch {}
        XCTAssertEqual(try SMTPSink.messages(in: folder).count, 1)
    }

    /// A citizen's answer used in an e-mail's subject carries a line break and headers: the real server receives
    /// one message, to the one intended recipient, with the text inside its subject and no header of its own.
    func testAnAnswerCannotSmuggleHeadersOrRecipients() async throws {
        try await guichet.store.loadTerritory(try TerritoryData.load())
        let admin = try await XCTUnwrapAsync(try await guichet.store.operatorScope(slug: "caluire-et-cuire"))
        let json = """
        {"slug": "contact", "title": "Contact", "summary": "Test",
         "form": {"fields": [{"id": "objet", "label": "Objet", "type": "long_text", "required": true},
                             {"id": "email", "label": "E-mail", "type": "email", "required": true}]},
         "workflow": {"initialStatus": "recue",
           "statuses": [{"id": "recue", "label": "Reçue", "colour": "blue", "onEnter": [
               {"type": "email", "to": "citizen", "subject": "Votre message : {{ objet }}", "body": "Bien reçu."}]},
             {"id": "close", "label": "Close", "colour": "grey", "isEnd": true}],
           "transitions": [{"id": "clore", "label": "Clore", "from": ["recue"], "to": "close", "roles": ["admin"]}]}}
        """
        try await guichet.store.publish(try DemarcheDefinition.parse(json: Data(json.utf8)).get(), in: admin)
        let smuggled = "Bonjour\r\nBcc: pirate@evil.example\r\nX-Injected: oui\r\n\r\nFaux corps"
        let page = try await guichet.browser().json(.POST, "/api/v1/collectivites/caluire-et-cuire/demarches/contact/demandes",
                                                    ["data": ["objet": smuggled, "email": "lea@exemple.fr"]])
        XCTAssertEqual(page.status, .created, page.body)
        let port = try SMTPSink.start(folder: folder)
        let transport = SMTPTransport(configuration: SMTPConfiguration(url: "smtp://127.0.0.1:\(port)")!, from: "Guichet <ne-pas-repondre@guichet.example>")
        let worker = OutboxWorker(store: guichet.store, transport: transport, sms: FileSMSGateway(folder: guichet.mailFolder),
                                  webhooks: WebhookClient(keys: WebhookKeys(secret: Data("test".utf8)), client: OutboundHTTP(policy: .publicHTTPSOnly)),
                                  logouts: BackChannelLogout(store: guichet.store, issuer: "http://127.0.0.1:8080", client: OutboundHTTP(policy: .publicHTTPSOnly)),
                                  logger: Logger(label: "test"))
        try await worker.deliverDue()
        let received = try SMTPSink.messages(in: folder)
        let authored = received.filter { $0.contains("X-Envelope-To: lea@exemple.fr") && $0.contains("Subject: Votre message") }
        XCTAssertEqual(authored.count, 1, "\(received)")
        XCTAssertFalse(received.contains { $0.contains("X-Envelope-To: pirate") }, "no recipient added")
        XCTAssertTrue(received.allSatisfy { $0.components(separatedBy: "X-Envelope-To:").count == 2 }, "one recipient per message")
        let message = try XCTUnwrap(authored.first)
        let headers = message[..<(message.range(of: "\r\n\r\n") ?? message.range(of: "\n\n"))!.lowerBound]
        let names = headers.components(separatedBy: "\r\n").map { $0.prefix { $0 != ":" } }
        XCTAssertEqual(names.filter { ["Bcc", "X-Injected"].contains($0) }, [], "no header of the citizen's making")
        XCTAssertTrue(headers.contains("Subject: Votre message : Bonjour  Bcc: pirate@evil.example  X-Injected: oui    Faux corps"),
                      String(headers))
    }

    func testCredentialsAreNeverSentInClear() async throws {
        let port = try SMTPSink.start(folder: folder)
        let transport = SMTPTransport(configuration: SMTPConfiguration(url: "smtp://user:pw@127.0.0.1:\(port)")!, from: "x@guichet.example")
        do { try await transport.send(OutboxMail(to: "a@exemple.fr", subject: "x", text: "x"), id: "m"); XCTFail("sent credentials in clear") }
        catch let error as SMTPError { XCTAssertTrue("\(error)".contains("without TLS"), "\(error)") }
    }
}

enum SMTPSink {
    static var script: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("tools/smtp_sink.py").path
    }

    static let available: Bool = {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["python3", "-c", "import aiosmtpd"]
        p.standardError = FileHandle.nullDevice
        guard (try? p.run()) != nil else { return false }
        wait(for: p)
        return p.terminationStatus == 0
    }()

    /// `Process.waitUntilExit` spins a run loop, which can hang on Swift concurrency's threads on Linux.
    static func wait(for process: Process) {
        while process.isRunning { usleep(10_000) }
    }

    /// The sinks' own pids (pyenv's `python3` is a shell shim, so `Process.terminate` would only stop the shim).
    static let running = Mutex<[Int32]>([])

    static func freePort() -> Int { Int.random(in: 20_000...40_000) }

    /// Starts a sink and returns its port. Under a loaded CI machine a start can fail (the port taken meanwhile,
    /// or aiosmtpd's own ready timeout), so it is tried up to three times, on a fresh port unless `port` is fixed.
    @discardableResult
    static func start(port fixed: Int? = nil, folder: URL, extra: [String] = []) throws -> Int {
        var lastError: any Error = CocoaError(.fileReadUnknown)
        for _ in 0..<3 {
            let port = fixed ?? freePort()
            do { try startOnce(port: port, folder: folder, extra: extra); return port } catch { lastError = error; usleep(300_000) }
        }
        throw lastError
    }

    private static func startOnce(port: Int, folder: URL, extra: [String]) throws {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["python3", script, String(port), folder.path] + extra
        p.arguments! += ["--parent", String(ProcessInfo.processInfo.processIdentifier)]
        let out = Pipe()
        p.standardOutput = out
        p.standardInput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        try p.run()
        let ready = String(decoding: out.fileHandleForReading.availableData, as: UTF8.self)
        guard let match = ready.firstMatch(of: /ready ([0-9]+)/), let pid = Int32(match.1) else { throw CocoaError(.fileReadUnknown) }
        running.withLock { $0.append(pid) }
    }

    static func stopAll() {
        running.withLock { pids in
            pids.forEach { kill($0, SIGTERM) }
            pids = []
        }
    }

    static func messages(in folder: URL) throws -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        return try names.filter { $0.hasSuffix(".eml") }.sorted().map { try String(contentsOf: folder.appendingPathComponent($0), encoding: .utf8) }
    }

    static func decodedBody(_ message: String) -> String? {
        guard let split = message.range(of: "\r\n\r\n") else { return nil }
        let base64 = message[split.upperBound...].filter { !$0.isWhitespace }
        return Data(base64Encoded: String(base64)).map { String(decoding: $0, as: UTF8.self) }
    }

    static func selfSignedCertificate(in folder: URL) throws -> (String, String) {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let cert = folder.appendingPathComponent("cert.pem").path, key = folder.appendingPathComponent("key.pem").path
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=localhost", "-days", "1", "-keyout", key, "-out", cert]
        p.standardError = FileHandle.nullDevice
        try p.run()
        wait(for: p)
        return (cert, key)
    }
}
