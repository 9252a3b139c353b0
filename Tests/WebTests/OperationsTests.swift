import Foundation
import GuichetApp
import GuichetTestSupport
import Vapor
import XCTest

final class OperationsTests: XCTestCase {
    func testHealthReadinessAndMetrics() async throws {
        let guichet = try await TestGuichet.make(seed: false)
        let browser = guichet.browser()
        let value1 = try await browser.get("/healthz").status
        XCTAssertEqual(value1, .ok)
        let value2 = try await browser.get("/readyz").status
        XCTAssertEqual(value2, .ok)
        let metrics = try await browser.get("/metrics")
        XCTAssertTrue(metrics.contains("guichet_outbox_pending 0\n"), metrics.body)
        XCTAssertTrue(metrics.contains("guichet_outbox_failing 0\n"), "an empty outbox counts 0, not NULL: \(metrics.body)")
        XCTAssertTrue(metrics.contains("guichet_filings_total 0\n"), metrics.body)
        try await guichet.shutdown()
    }

    func testConfigurationFromTheEnvironment() throws {
        let defaults = try GuichetConfiguration.fromEnvironment([:])
        XCTAssertEqual(defaults.bcryptCost, 12)
        XCTAssertNil(defaults.databaseURL)
        XCTAssertEqual(defaults.baseURL, "http://127.0.0.1:8080")
        XCTAssertTrue(defaults.dataDirectory.path.hasSuffix("/data"))
        let set = try GuichetConfiguration.fromEnvironment(["GUICHET_DATA_DIR": "/srv/guichet", "DATABASE_URL": "postgres://u:p@h/db",
                                                            "DATABASE_POOL_SIZE": "8", "SMTP_URL": "smtp://relais", "GUICHET_BASE_URL": "https://guichet.exemple.fr/"])
        XCTAssertEqual(set.dataDirectory.path, "/srv/guichet")
        XCTAssertEqual(set.databasePoolSize, 8)
        XCTAssertEqual(set.baseURL, "https://guichet.exemple.fr")
        XCTAssertThrowsError(try GuichetConfiguration.fromEnvironment(["DATABASE_URL": "mysql://x"]))
        XCTAssertThrowsError(try GuichetConfiguration.fromEnvironment(["DATABASE_POOL_SIZE": "0"]))
        XCTAssertThrowsError(try GuichetConfiguration.fromEnvironment(["SMTP_URL": "mail.exemple.fr"]))
    }

    func testSeedingTwiceChangesNothing() async throws {
        let guichet = try await TestGuichet.make()
        let again = try await DemoData.seed(guichet.store, hash: { _ in "x" })
        XCTAssertTrue(again.contains("Démarches publiées : 0. Conventions cadre créées : 0. Comptes créés : 0."), again)
        try await guichet.shutdown()
    }
}
