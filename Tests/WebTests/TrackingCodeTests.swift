import Foundation
import GuichetTestSupport
import Identity
import SQLKit
import Vapor
import XCTest

/// Guessing a request's tracking code: counted per request number and per address, refused past the limit on
/// the follow-up page, the correction form and the API alike; the code never in a URL.
final class TrackingCodeTests: XCTestCase {
    var guichet: TestGuichet!
    override func setUp() async throws { guichet = try await TestGuichet.make() }
    override func tearDown() async throws { try await guichet.shutdown() }

    func file() async throws -> (number: String, code: String) {
        let page = try await guichet.browser().json(.POST, APITests.path, ["data": APITests.valid])
        XCTAssertEqual(page.status, .created, page.body)
        let body = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(page.body.utf8)) as? [String: Any])
        return (try XCTUnwrap(body["number"] as? String), try XCTUnwrap(body["tracking_code"] as? String))
    }

    func testGuessingOneRequestsCodeIsStoppedEverywhere() async throws {
        let (number, code) = try await file()
        let api = guichet.browser()
        for i in 0..<20 {
            let status = try await api.get("/api/v1/demandes/\(number)", headers: ["X-Tracking-Code": "AAAA-\(1000 + i)"]).status
            XCTAssertEqual(status, .notFound)
        }
        let refused = try await api.get("/api/v1/demandes/\(number)", headers: ["X-Tracking-Code": code])
        XCTAssertEqual(refused.status, .tooManyRequests, "past the limit even the right code waits")
        XCTAssertEqual(refused.headers.first(name: "Retry-After"), "900")
        XCTAssertTrue(refused.body.contains("Trop de codes de suivi"), refused.body)

        let browser = guichet.browser()
        try await browser.get("/suivi")
        let page = try await browser.post("/suivi", [("numero", number), ("code", code)])
        XCTAssertEqual(page.status, .tooManyRequests)
        XCTAssertTrue(page.contains("Trop de codes de suivi essayés"), page.body)
        let correction = try await browser.post("/suivi/corriger", [("numero", number), ("code", code)])
        XCTAssertEqual(correction.status, .tooManyRequests)
        XCTAssertEqual(correction.headers.first(name: "Retry-After"), "900", "the page keeps the abort's header")
        XCTAssertTrue(correction.contains("Trop de tentatives"), correction.body)

        // Another request followed from the same address is not locked with it (the address has room left).
        let (other, otherCode) = try await file()
        let followed = try await browser.post("/suivi", [("numero", other), ("code", otherCode)])
        XCTAssertEqual(followed.status, .ok)
    }

    func testGuessingAcrossRequestsIsStoppedPerAddress() async throws {
        let browser = guichet.browser()
        try await browser.get("/suivi")
        for i in 0..<30 {
            let page = try await browser.post("/suivi", [("numero", "CAL-2026-\(String(format: "%06d", 900_000 + i))"), ("code", "ABCD-EFGH")])
            XCTAssertEqual(page.status, .notFound, "attempt \(i)")
        }
        let (number, code) = try await file()
        let page = try await browser.post("/suivi", [("numero", number), ("code", code)])
        XCTAssertEqual(page.status, .tooManyRequests, "thirty wrong codes from one address, whatever the numbers")
    }

    func testTheStoredCodeIsKeyed() async throws {
        let (number, code) = try await file()
        let sql = guichet.app.db as! any SQLDatabase
        let stored = try await sql.raw("SELECT tracking_hash FROM demandes WHERE number = \(bind: number)").first(decodingColumn: "tracking_hash", as: String.self)
        XCTAssertEqual(stored?.hasPrefix("h1:"), true)
        XCTAssertFalse(stored?.contains(Secret.hash(Secret.normaliseTrackingCode(code))) ?? true, "not the plain SHA-256 of the code")
        // After a restart (the secret is kept in the data folder) the code still opens the request.
        let restarted = try await guichet.restarted()
        guichet = restarted
        let page = try await restarted.browser().get("/api/v1/demandes/\(number)", headers: ["X-Tracking-Code": code])
        XCTAssertEqual(page.status, .ok)
    }

    func testTheCodeIsNeverTakenFromTheURL() async throws {
        let (number, code) = try await file()
        let page = try await guichet.browser().get("/api/v1/demandes/\(number)?code=\(code)")
        XCTAssertEqual(page.status, .badRequest)
        XCTAssertTrue(page.body.contains("X-Tracking-Code"), page.body)
        XCTAssertFalse(page.body.contains("\"number\""), "nothing of the request is given")
    }
}
