import AsyncHTTPClient
import Foundation
import Messaging
import NIOConcurrencyHelpers
import Vapor
import XCTest

/// The one outbound client against a real HTTP server on the loopback: what the policy refuses is never
/// connected to, redirects are not followed, answers are bounded.
final class OutboundHTTPTests: XCTestCase {
    var server: Application!
    let hits = NIOLockedValueBox<[String]>([])
    var port = 0

    override func setUp() async throws {
        server = try await Application.make(Environment(name: "testing", arguments: ["server"]))
        server.http.server.configuration.hostname = "127.0.0.1"
        server.http.server.configuration.port = 0
        let hits = self.hits
        server.get("ok") { _ -> String in hits.withLockedValue { $0.append("ok") }; return "bonjour" }
        server.get("interne") { _ -> String in hits.withLockedValue { $0.append("interne") }; return "secret" }
        server.get("metadonnees") { req -> Response in
            hits.withLockedValue { $0.append("metadonnees") }
            return req.redirect(to: "http://169.254.169.254/latest/meta-data/iam/security-credentials/")
        }
        server.get("rebond") { req -> Response in
            hits.withLockedValue { $0.append("rebond") }
            return req.redirect(to: "/interne")
        }
        server.get("gros") { _ -> String in String(repeating: "x", count: 70_000) }
        try await server.startup()
        port = try XCTUnwrap(server.http.server.shared.localAddress?.port)
    }

    override func tearDown() async throws { try await server.asyncShutdown() }

    let loopback = OutboundPolicy(allowedNetworks: [IPNetwork("127.0.0.1/32")!], allowsPlainHTTP: true)

    func get(_ url: String, policy: OutboundPolicy, maxBytes: Int = 1 << 20) async throws -> String {
        let answer = try await OutboundHTTP(policy: policy).execute(HTTPClientRequest(url: url), timeout: .seconds(5), maxBytes: maxBytes)
        return String(buffer: answer.body)
    }

    func refusal(_ url: String, policy: OutboundPolicy, maxBytes: Int = 1 << 20) async -> OutboundRefusal? {
        do { _ = try await get(url, policy: policy, maxBytes: maxBytes); return nil } catch let refusal as OutboundRefusal { return refusal } catch {
            XCTFail("\(url): \(error)"); return nil
        }
    }

    func testAllowedNetworksAreReached() async throws {
        let body = try await get("http://127.0.0.1:\(port)/ok", policy: loopback)
        XCTAssertEqual(body, "bonjour")
    }

    func testTheLoopbackAndOtherPrivateAddressesAreRefusedBeforeAnyConnection() async throws {
        let plainHTTP = OutboundPolicy(allowsPlainHTTP: true)
        for url in ["http://127.0.0.1:\(port)/ok", "http://localhost:\(port)/ok", "http://[::1]:\(port)/ok",
                    "http://[::ffff:127.0.0.1]:\(port)/ok", "http://169.254.169.254/latest/meta-data/", "http://10.0.0.1/", "http://100.64.1.1/"] {
            guard case .addressNotAllowed = await refusal(url, policy: plainHTTP) else { XCTFail("\(url) was not refused for its address"); continue }
        }
        // Numbers the C resolver would read as 127.0.0.1 are not host names.
        for url in ["http://2130706433:\(port)/ok", "http://0x7f.1:\(port)/ok", "http://127.1:\(port)/ok"] {
            let refused = await refusal(url, policy: plainHTTP)
            XCTAssertNotNil(refused, url)
        }
        XCTAssertEqual(hits.withLockedValue { $0 }, [], "nothing reached the loopback server")
        let scheme = await refusal("http://127.0.0.1:\(port)/ok", policy: .publicHTTPSOnly)
        XCTAssertEqual(scheme, .schemeNotAllowed("http"))
        let ftp = await refusal("ftp://example.org/", policy: plainHTTP)
        XCTAssertEqual(ftp, .schemeNotAllowed("ftp"))
    }

    func testRedirectsAreNotFollowedNeitherToMetadataNorBackInside() async throws {
        let metadata = await refusal("http://127.0.0.1:\(port)/metadonnees", policy: loopback)
        XCTAssertEqual(metadata, .redirect(status: 303))
        let inside = await refusal("http://127.0.0.1:\(port)/rebond", policy: loopback)
        XCTAssertEqual(inside, .redirect(status: 303))
        XCTAssertEqual(hits.withLockedValue { $0 }, ["metadonnees", "rebond"], "the redirect targets were never requested")
    }

    func testAnswersAreBounded() async throws {
        let large = await refusal("http://127.0.0.1:\(port)/gros", policy: loopback, maxBytes: 64 << 10)
        XCTAssertEqual(large, .answerTooLarge(limit: 64 << 10))
        let fits = try await get("http://127.0.0.1:\(port)/gros", policy: loopback, maxBytes: 128 << 10)
        XCTAssertEqual(fits.count, 70_000)
    }

    func testAddressClassification() {
        let nonPublic = ["127.0.0.1", "10.1.2.3", "172.16.0.1", "172.31.255.255", "192.168.1.1", "169.254.169.254", "100.64.0.1",
                         "0.0.0.0", "224.0.0.1", "255.255.255.255", "::1", "::", "fe80::1", "fd00:ec2::254", "fc00::1",
                         "::ffff:10.0.0.1", "::ffff:169.254.169.254", "64:ff9b::7f00:1", "2001:db8::1", "ff02::1", "2002:7f00:1::1"]
        for text in nonPublic { XCTAssertEqual(IPAddress(text)?.isPublic, false, text) }
        let publicOnes = ["8.8.8.8", "172.32.0.1", "100.128.0.1", "192.169.0.1", "2001:4860:4860::8888", "::ffff:8.8.8.8", "2a01:cb00::1"]
        for text in publicOnes { XCTAssertEqual(IPAddress(text)?.isPublic, true, text) }
        XCTAssertNil(IPAddress("0x7f.1"))
        XCTAssertNil(IPNetwork("10.0.0.0/33"))
        XCTAssertTrue(IPNetwork("10.1.0.0/16")!.contains(IPAddress("10.1.200.3")!))
        XCTAssertFalse(IPNetwork("10.1.0.0/16")!.contains(IPAddress("10.2.0.1")!))
        XCTAssertFalse(IPNetwork("10.1.0.0/16")!.contains(IPAddress("::ffff:10.1.0.1")!), "families are not mixed")
        XCTAssertTrue(IPNetwork("0.0.0.0/0")!.contains(IPAddress("1.2.3.4")!))
    }
}
