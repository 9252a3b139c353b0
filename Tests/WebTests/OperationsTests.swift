import Foundation
import GuichetApp
import GuichetTestSupport
import Messaging
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
        XCTAssertThrowsError(try GuichetConfiguration.fromEnvironment(["GUICHET_MAIL_FROM": "Guichet <guichet@lyon.fr>\r\nBcc: x@y.fr"]))
        XCTAssertThrowsError(try GuichetConfiguration.fromEnvironment(["GUICHET_MAIL_FROM": "Guichet"]))
        XCTAssertThrowsError(try GuichetConfiguration.fromEnvironment(["GUICHET_RELAY_TO": "recette\r\nBcc: x@y.fr"]))
        XCTAssertThrowsError(try GuichetConfiguration.fromEnvironment(["GUICHET_RELAY_ALERT_HOURS": "0"]))
        let relays = try GuichetConfiguration.fromEnvironment(["GUICHET_RELAY_TO": "recette@grandlyon.test", "GUICHET_RELAY_ALERT_HOURS": "24"])
        XCTAssertEqual(relays.relayRecipientOverride, "recette@grandlyon.test")
        XCTAssertEqual(relays.relayAlertHours, 24)
        XCTAssertNil(defaults.relayRecipientOverride, "relays go to the town halls unless told otherwise")
        XCTAssertEqual(defaults.outbound, .publicHTTPSOnly, "outbound calls reach only the public Internet over https by default")
        let intranet = try GuichetConfiguration.fromEnvironment(["GUICHET_OUTBOUND_ALLOW": "10.20.0.0/16, 192.168.4.7", "GUICHET_OUTBOUND_HTTP": "1"])
        XCTAssertEqual(intranet.outbound.allowedNetworks.map(\.description), ["10.20.0.0/16", "192.168.4.7/32"])
        XCTAssertTrue(intranet.outbound.allowsPlainHTTP)
        XCTAssertThrowsError(try GuichetConfiguration.fromEnvironment(["GUICHET_OUTBOUND_ALLOW": "intranet.lyon.fr"]))
        XCTAssertFalse(defaults.production)
        let secret = String(repeating: "s", count: 40)
        let production = try GuichetConfiguration.fromEnvironment(["GUICHET_ENV": "production", "GUICHET_BASE_URL": "https://guichet.grandlyon.fr",
                                                                    "GUICHET_WEBHOOK_SECRET": secret, "GUICHET_KEYS_SECRET": secret,
                                                                    "GUICHET_TRUSTED_PROXIES": "127.0.0.1, 10.0.0.0/24"])
        XCTAssertTrue(production.production)
        XCTAssertEqual(production.trustedProxies.map(\.description), ["127.0.0.1/32", "10.0.0.0/24"])
        XCTAssertThrowsError(try GuichetConfiguration.fromEnvironment(["GUICHET_ENV": "production", "GUICHET_WEBHOOK_SECRET": secret]), "http base URL")
        XCTAssertThrowsError(try GuichetConfiguration.fromEnvironment(["GUICHET_ENV": "production", "GUICHET_BASE_URL": "https://guichet.grandlyon.fr"]),
                             "webhook secret left to be generated")
        XCTAssertThrowsError(try GuichetConfiguration.fromEnvironment(["GUICHET_ENV": "production", "GUICHET_BASE_URL": "https://guichet.grandlyon.fr",
                                                                       "GUICHET_WEBHOOK_SECRET": secret]), "signing keys in files of one machine")
        XCTAssertThrowsError(try GuichetConfiguration.fromEnvironment(["GUICHET_KEYS_SECRET": "court"]))
        XCTAssertThrowsError(try GuichetConfiguration.fromEnvironment(["GUICHET_ENV": "prod"]))
        XCTAssertThrowsError(try GuichetConfiguration.fromEnvironment(["GUICHET_TRUSTED_PROXIES": "proxy.lyon.fr"]))
    }

    /// Workers run in the server only: a command beside it must not deliver the outbox a second time.
    func testOnlyTheServerStartsWorkers() {
        XCTAssertTrue(servesHTTP(arguments: ["guichet"]))
        XCTAssertTrue(servesHTTP(arguments: ["guichet", "serve", "--port", "8080"]))
        XCTAssertTrue(servesHTTP(arguments: ["guichet", "--port", "8080"]))
        for command in ["outbox", "import", "bundle", "seed", "migrate", "contributions"] {
            XCTAssertFalse(servesHTTP(arguments: ["guichet", command, "--retry"]), command)
        }
    }

    func testSeedingTwiceChangesNothing() async throws {
        let guichet = try await TestGuichet.make()
        let again = try await DemoData.seed(guichet.store, hash: { _ in "x" })
        XCTAssertTrue(again.contains("Démarches publiées : 0. Conventions cadre créées : 0. Comptes créés : 0."), again)
        try await guichet.shutdown()
    }
}
