import Foundation
import GuichetTestSupport
import Vapor
import WebSupport
import Messaging
import Identity
import SQLKit
import Storage
import XCTest

final class AccountTests: XCTestCase {
    var guichet: TestGuichet!
    override func setUp() async throws { guichet = try await TestGuichet.make() }
    override func tearDown() async throws { try await guichet.shutdown() }

    func link(_ path: String, in text: String) throws -> String {
        let match = try XCTUnwrap(text.firstMatch(of: /http:\/\/127\.0\.0\.1:8080(\/compte\/[a-z-]+\?jeton=[A-Za-z0-9_-]+)/))
        XCTAssertTrue(match.1.hasPrefix(path))
        return String(match.1)
    }

    func testSignUpConfirmSignOutSignIn() async throws {
        let browser = guichet.browser()
        try await browser.get("/compte/inscription")
        let weak = try await browser.post("/compte/inscription", [("name", "Inès"), ("email", "ines@exemple.fr"), ("password", "court")])
        XCTAssertEqual(weak.status, .unprocessableEntity)
        XCTAssertTrue(weak.fieldErrors["password"]?.hasPrefix("Le mot de passe doit compter au moins 12 caractères") ?? false)
        XCTAssertTrue(weak.contains("value=\"ines@exemple.fr\""))
        let done = try await browser.post("/compte/inscription", [("name", "Inès Bernard"), ("email", "Ines@Exemple.fr"), ("password", "Correct-Cheval-9")])
        XCTAssertEqual(done.status, .ok)
        let unconfirmed = try await guichet.browser().signIn("ines@exemple.fr", password: "Correct-Cheval-9")
        XCTAssertEqual(unconfirmed.status, .forbidden, "not before the address is confirmed")
        let mails = try await guichet.outbox()
        let confirm = try link("/compte/confirmer", in: try XCTUnwrap(mails.first { $0.subject == "Confirmez votre adresse e-mail" }).text)
        // Opening the link confirms the address but signs nobody in: it may be someone else's browser (login CSRF).
        let other = guichet.browser()
        let confirmed = try await other.get(confirm)
        XCTAssertEqual(confirmed.location, "/compte/connexion")
        let notSignedIn = try await other.get("/compte").status
        XCTAssertEqual(notSignedIn, .seeOther, "whoever opened the link is not in the account")
        let value1 = try await browser.signIn("ines@exemple.fr", password: "Correct-Cheval-9").status
        XCTAssertEqual(value1, .seeOther, "the owner signs in with the password")
        let mine = try await browser.get("/compte").contains("ines@exemple.fr")
        XCTAssertTrue(mine)
        let value2 = try await browser.get(confirm).status
        XCTAssertEqual(value2, .notFound, "a link works once")
        try await browser.post("/compte/deconnexion", [])
        let value3 = try await browser.get("/compte").status
        XCTAssertEqual(value3, .seeOther)
        let value4 = try await browser.signIn("ines@exemple.fr", password: "Correct-Cheval-9").status
        XCTAssertEqual(value4, .seeOther)
    }

    /// A bcrypt cost raised since a password was hashed: the hash is made again at the next sign-in.
    func testAWeakerHashIsUpgradedAtSignIn() async throws {
        let stronger = try await TestGuichet.make { $0.bcryptCost = 5 }
        do {
            let account = try await stronger.store.createAccount(email: "ancien@exemple.fr", name: "Compte ancien",
                                                                 passwordHash: try Bcrypt.hash("Guichet-Demo-2026!", cost: 4), confirmed: true)
            XCTAssertTrue(account.passwordHash.hasPrefix("$2b$04$"), "hashed when the cost was lower")
            let signedIn = try await stronger.browser().signIn("ancien@exemple.fr", password: "Guichet-Demo-2026!")
            XCTAssertEqual(signedIn.status, .seeOther)
            let after = try await XCTUnwrapAsync(try await stronger.store.account(email: "ancien@exemple.fr"))
            XCTAssertTrue(after.passwordHash.hasPrefix("$2b$05$"), after.passwordHash)
            XCTAssertEqual(after.sessionEpoch, account.sessionEpoch, "no session ends for it")
            let again = try await stronger.browser().signIn("ancien@exemple.fr", password: "Guichet-Demo-2026!").status
            XCTAssertEqual(again, .seeOther)
        } catch {
            try await stronger.shutdown()
            throw error
        }
        try await stronger.shutdown()
    }

    func testSigningUpWithATakenAddressRevealsNothing() async throws {
        let browser = guichet.browser()
        try await browser.get("/compte/inscription")
        let page = try await browser.post("/compte/inscription", [("name", "X"), ("email", "usager@demo.fr"), ("password", "Correct-Cheval-9")])
        XCTAssertEqual(page.status, .ok)
        XCTAssertTrue(page.contains("Vérifiez vos e-mails"))
    }

    /// Sessions end on the server 8 hours after their last request, whatever the browser keeps; the table holds
    /// only the hash of each session's id, and expired rows are purged.
    func testSessionsExpireOnTheServer() async throws {
        let browser = guichet.browser()
        _ = try await browser.signIn("usager@demo.fr", password: "Guichet-Demo-2026!")
        let signedIn = try await browser.get("/compte")
        XCTAssertEqual(signedIn.status, .ok)
        let cookie = try XCTUnwrap(browser.cookies["guichet_session"])
        let sql = guichet.app.db as! any SQLDatabase
        let byCookie = try await sql.raw("SELECT COUNT(*) AS n FROM sessions WHERE id = \(bind: cookie)").first(decodingColumn: "n", as: Int.self)
        XCTAssertEqual(byCookie, 0, "the cookie's value is not in the table")
        let byHash = try await sql.raw("SELECT COUNT(*) AS n FROM sessions WHERE id = \(bind: Secret.hash(cookie))").first(decodingColumn: "n", as: Int.self)
        XCTAssertEqual(byHash, 1)
        func end() async throws -> Int64? {
            try await sql.raw("SELECT expires_at FROM sessions WHERE id = \(bind: Secret.hash(cookie))").first(decodingColumn: "expires_at", as: Int64.self)
        }
        let first = try await end()
        guichet.clock.advance(60)
        try await browser.get("/compte")
        let unchanged = try await end()
        XCTAssertEqual(unchanged, first, "a page view that changes nothing in the session writes nothing")

        guichet.clock.advance(Store.sessionLifetime - 120)
        let stillIn = try await browser.get("/compte")
        XCTAssertEqual(stillIn.status, .ok, "a minute before the end; the request moves the end a lifetime ahead")
        guichet.clock.advance(Store.sessionLifetime + 60)
        let expired = try await browser.get("/compte")
        XCTAssertEqual(expired.status, .seeOther, "the same cookie, past its lifetime on the server")
        XCTAssertTrue(expired.location?.hasPrefix("/compte/connexion") ?? false)
        let purged = try await guichet.store.purgeExpiredSessions()
        XCTAssertGreaterThanOrEqual(purged, 1)
        let left = try await sql.raw("SELECT COUNT(*) AS n FROM sessions WHERE id = \(bind: Secret.hash(cookie))").first(decodingColumn: "n", as: Int.self)
        XCTAssertEqual(left, 0)
    }

    func testSignInIsThrottled() async throws {
        let browser = guichet.browser()
        for _ in 0..<5 {
            let value5 = try await browser.signIn("usager@demo.fr", password: "mauvais").status
            XCTAssertEqual(value5, .unauthorized)
        }
        let blocked = try await browser.signIn("usager@demo.fr", password: "Guichet-Demo-2026!")
        XCTAssertEqual(blocked.status, .tooManyRequests, "even the right password waits")
        // Every request of this test comes from one address, as behind an unconfigured proxy: the others still sign in.
        let other = try await guichet.browser().signIn("agent@caluire-et-cuire.demo.fr", password: "Guichet-Demo-2026!")
        XCTAssertEqual(other.status, .seeOther, "one account's failures do not lock out everyone behind the same address")
    }

    /// Guesses sent at once are each counted before their hash is checked: no more than the limit get an answer.
    func testParallelGuessesAreCountedBeforeTheHash() async throws {
        let guichet = self.guichet!
        let statuses = try await withThrowingTaskGroup(of: HTTPStatus.self) { group in
            for i in 0..<20 {
                group.addTask { try await guichet.browser().signIn("usager@demo.fr", password: "mauvais-\(i)").status }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        XCTAssertEqual(statuses.filter { $0 == .unauthorized }.count, 5, "\(statuses)")
        XCTAssertEqual(statuses.filter { $0 == .tooManyRequests }.count, 15)
    }

    func testTheForwardedAddressIsBelievedOnlyFromATrustedProxy() {
        let proxy = [IPNetwork("10.0.0.2")!, IPNetwork("10.0.1.0/24")!]
        XCTAssertEqual(ClientAddress.resolve(peer: "10.0.0.2", forwardedFor: ["203.0.113.9"], trusted: proxy), "203.0.113.9")
        XCTAssertEqual(ClientAddress.resolve(peer: "198.51.100.4", forwardedFor: ["203.0.113.9"], trusted: proxy), "198.51.100.4",
                       "anyone else's header is ignored")
        XCTAssertEqual(ClientAddress.resolve(peer: "10.0.0.2", forwardedFor: ["1.2.3.4, 203.0.113.9"], trusted: proxy), "203.0.113.9",
                       "what the client wrote left of the proxy's entry proves nothing")
        XCTAssertEqual(ClientAddress.resolve(peer: "10.0.0.2", forwardedFor: ["203.0.113.9, 10.0.1.7"], trusted: proxy), "203.0.113.9",
                       "a chain of trusted proxies is walked back")
        XCTAssertEqual(ClientAddress.resolve(peer: "10.0.0.2", forwardedFor: ["pas-une-adresse"], trusted: proxy), "10.0.0.2")
        XCTAssertEqual(ClientAddress.resolve(peer: "10.0.0.2", forwardedFor: [], trusted: proxy), "10.0.0.2")
        XCTAssertEqual(ClientAddress.resolve(peer: nil, forwardedFor: ["203.0.113.9"], trusted: proxy), "inconnue")
    }

    func testPasswordReset() async throws {
        let browser = guichet.browser()
        try await browser.get("/compte/mot-de-passe-oublie")
        let unknown = try await browser.post("/compte/mot-de-passe-oublie", [("email", "personne@exemple.fr")])
        XCTAssertTrue(unknown.contains("Si un compte existe"))
        try await browser.post("/compte/mot-de-passe-oublie", [("email", "usager@demo.fr")])
        let mails = try await guichet.outbox()
        XCTAssertEqual(mails.map(\.to), ["usager@demo.fr"], "no mail for an unknown address")
        let reset = try link("/compte/nouveau-mot-de-passe", in: mails[0].text)
        try await browser.get(reset)
        let token = String(reset.split(separator: "=").last!)
        let weak = try await browser.post("/compte/nouveau-mot-de-passe", [("jeton", token), ("password", "faible")])
        XCTAssertEqual(weak.status, .unprocessableEntity)
        let value6 = try await browser.post("/compte/nouveau-mot-de-passe", [("jeton", token), ("password", "Nouveau-Secret-42")]).status
        XCTAssertEqual(value6, .seeOther)
        let value7 = try await guichet.browser().signIn("usager@demo.fr", password: "Guichet-Demo-2026!").status
        XCTAssertEqual(value7, .unauthorized)
        let value8 = try await guichet.browser().signIn("usager@demo.fr", password: "Nouveau-Secret-42").status
        XCTAssertEqual(value8, .seeOther)
    }

    func testSignInRedirectsOnlyToLocalPaths() async throws {
        let browser = guichet.browser()
        try await browser.get("/compte/connexion")
        let page = try await browser.post("/compte/connexion", [("email", "usager@demo.fr"), ("password", "Guichet-Demo-2026!"), ("retour", "//evil.example/")])
        XCTAssertEqual(page.location, "/compte")
        // Browsers drop tabs and line breaks from a URL, and read a backslash as a slash: each of these would
        // leave for evil.example.
        for escape in ["/\t/evil.example", "/\n/evil.example", "/\r\n/evil.example", "/\\evil.example", "/ /evil.example", "https://evil.example"] {
            XCTAssertEqual(safeReturnPath(escape), "/compte", escape.debugDescription)
        }
        try await browser.get("/compte/connexion")
        let tab = try await browser.post("/compte/connexion", [("email", "usager@demo.fr"), ("password", "Guichet-Demo-2026!"), ("retour", "/\t/evil.example")])
        XCTAssertEqual(tab.location, "/compte")
        XCTAssertEqual(safeReturnPath("/c/caluire-et-cuire/demarches/jardin-partage?page=2"), "/c/caluire-et-cuire/demarches/jardin-partage?page=2")
        XCTAssertEqual(safeReturnPath("/bo/caluire-et-cuire/demandes"), "/bo/caluire-et-cuire/demandes")
    }

    /// A visitor's pages open no session (the forms' token needs none): nothing is written for a page view.
    func testAnonymousPagesOpenNoSessionAndCookiesAreHttpOnlyAndLax() async throws {
        let sql = guichet.app.db as! any SQLDatabase
        func sessions() async throws -> Int { try await sql.raw("SELECT COUNT(*) AS n FROM sessions").first(decodingColumn: "n", as: Int.self) ?? -1 }
        let visitor = guichet.browser()
        for path in ["/", "/c/caluire-et-cuire/demarches/signalement-espace-public", "/compte/connexion"] {
            let page = try await visitor.get(path)
            XCTAssertEqual(page.status, .ok, path)
            XCTAssertFalse(page.headers[.setCookie].contains { $0.hasPrefix("guichet_session=") }, path)
        }
        let none = try await sessions()
        XCTAssertEqual(none, 0, "page views write no session")
        XCTAssertNotNil(visitor.cookies["guichet_csrf"])
        let signedIn = try await visitor.post("/compte/connexion", [("email", "usager@demo.fr"), ("password", "Guichet-Demo-2026!"), ("retour", "/compte")])
        XCTAssertEqual(signedIn.location, "/compte", "the form's token needed no session")
        let session = try XCTUnwrap(signedIn.headers[.setCookie].first { $0.hasPrefix("guichet_session=") })
        XCTAssertTrue(session.contains("HttpOnly") && session.contains("SameSite=Lax"), session)
        let token = try XCTUnwrap(signedIn.headers[.setCookie].first { $0.hasPrefix("guichet_csrf=") }, "a new token after sign-in")
        XCTAssertTrue(token.contains("HttpOnly") && token.contains("SameSite=Lax"), token)
        let one = try await sessions()
        XCTAssertEqual(one, 1)
    }

    /// The token is the browser's own: one read from another visit (the attacker's) is refused.
    func testAFormTokenFromAnotherBrowserIsRefused() async throws {
        let attacker = guichet.browser(), victim = guichet.browser()
        let attackersPage = try await attacker.get("/compte/connexion")
        let attackersToken = try XCTUnwrap(attackersPage.body.firstMatch(of: /name="_csrf" value="([^"]+)"/)).1
        try await victim.get("/compte/connexion")
        let forged = try await victim.post("/compte/connexion", [("_csrf", String(attackersToken)), ("email", "usager@demo.fr"),
                                                                  ("password", "Guichet-Demo-2026!"), ("retour", "/compte")], withCSRF: false)
        XCTAssertEqual(forged.status, .forbidden)
        let own = try await victim.post("/compte/connexion", [("email", "usager@demo.fr"), ("password", "Guichet-Demo-2026!"), ("retour", "/compte")])
        XCTAssertEqual(own.status, .seeOther)
    }
}
