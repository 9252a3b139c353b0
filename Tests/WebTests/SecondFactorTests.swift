import Foundation
import GuichetApp
import GuichetTestSupport
import Identity
import Storage
import Vapor
import XCTest

/// The second factor over HTTP: set up (with a code of the key, recovery codes shown once), asked at sign-in,
/// a code good once, recovery codes spent, attempts throttled; mandatory for agents, asked again when a session
/// opened without it reaches the back-office; a citizen may turn it off, an agent may not.
final class SecondFactorTests: XCTestCase {
    var guichet: TestGuichet!
    let password = "Guichet-Demo-2026!"

    override func setUp() async throws { guichet = try await TestGuichet.make() }
    override func tearDown() async throws { try await guichet.shutdown() }

    func signInWithPassword(_ browser: Browser, _ email: String) async throws -> Browser.Page {
        try await browser.get("/compte/connexion")
        return try await browser.post("/compte/connexion", [("email", email), ("password", password), ("retour", "/compte")])
    }

    func testACitizenSetsItUpAndSignsInWithItsCodesAndRecoveryCodes() async throws {
        let browser = guichet.browser()
        _ = try await browser.signIn("usager@demo.fr", password: password)
        let setup = try await browser.get("/compte/double-authentification")
        XCTAssertFalse(setup.contains("obligatoire pour les agents"), "a citizen's choice")
        let shown = try XCTUnwrap(setup.text(id: "cle"))
        let reloaded = try await browser.get("/compte/double-authentification")
        XCTAssertEqual(reloaded.text(id: "cle"), shown, "a reload keeps the key")
        XCTAssertTrue(setup.contains("otpauth://totp/Guichet%20Grand%20Lyon:usager@demo.fr?secret="))
        XCTAssertTrue(setup.contains(#"<div class="qr-code-frame" id="code-qr"><svg"#) && setup.contains(#"role="img" aria-label="Code QR de la clé"#),
                      "the key to scan, drawn on the server (e2e reads it with zbar)")
        let wrong = try await browser.post("/compte/double-authentification/activer", [("code", "000000")])
        XCTAssertEqual(wrong.status, .unprocessableEntity)
        XCTAssertTrue(wrong.fieldErrors["code"]?.hasPrefix("Code incorrect.") == true, "\(wrong.fieldErrors)")
        let account = try await XCTUnwrapAsync(try await guichet.store.account(email: "usager@demo.fr"))
        let notYet = try await guichet.store.hasSecondFactor(accountID: account.id)
        XCTAssertFalse(notYet, "a wrong code records nothing")

        let (key, codesPage) = try await browser.setUpSecondFactor()
        let codes = codesPage.body.matches(of: /<li><code>([A-Z2-9]{5}-[A-Z2-9]{5})<\/code><\/li>/).map { String($0.1) }
        XCTAssertEqual(codes.count, 10)
        XCTAssertEqual(codesPage.headers.first(name: .cacheControl), "no-store")
        let status = try await browser.get("/compte/double-authentification")
        XCTAssertEqual(status.text(id: "codes-restants"), "Codes de secours encore utilisables : 10.")

        // The password alone no longer opens the account.
        let phone = guichet.browser()
        let step = try await signInWithPassword(phone, "usager@demo.fr")
        XCTAssertEqual(step.location, "/compte/connexion/code")
        let notSignedIn = try await phone.get("/compte")
        XCTAssertTrue(notSignedIn.location?.hasPrefix("/compte/connexion") == true, "no session before the code")
        _ = try await phone.get("/compte/connexion/code")
        let refused = try await phone.post("/compte/connexion/code", [("code", "12345")])
        XCTAssertEqual(refused.status, .unprocessableEntity)
        XCTAssertTrue(refused.fieldErrors["code"]?.hasPrefix("Code incorrect.") == true)
        guichet.clock.advance(30)
        let code = key.code(step: TOTPKey.step(at: guichet.clock.now))
        let accepted = try await phone.post("/compte/connexion/code", [("code", code)])
        XCTAssertEqual(accepted.location, "/compte")
        let home = try await phone.get("/compte")
        XCTAssertEqual(home.status, .ok)

        // The same code again, from another browser: refused, it has served.
        let thief = guichet.browser()
        _ = try await signInWithPassword(thief, "usager@demo.fr")
        _ = try await thief.get("/compte/connexion/code")
        let replayed = try await thief.post("/compte/connexion/code", [("code", code)])
        XCTAssertEqual(replayed.fieldErrors["code"], "Ce code a déjà servi. Attendez le suivant dans votre application (il change toutes les 30 secondes).")

        // A recovery code, once.
        let lost = guichet.browser()
        _ = try await signInWithPassword(lost, "usager@demo.fr")
        _ = try await lost.get("/compte/connexion/code")
        let recovered = try await lost.post("/compte/connexion/code", [("code", codes[3].lowercased().replacingOccurrences(of: "-", with: ""))])
        XCTAssertEqual(recovered.location, "/compte")
        let again = guichet.browser()
        _ = try await signInWithPassword(again, "usager@demo.fr")
        _ = try await again.get("/compte/connexion/code")
        let spent = try await again.post("/compte/connexion/code", [("code", codes[3])])
        XCTAssertEqual(spent.status, .unprocessableEntity, "a recovery code serves once")
        let left = try await lost.get("/compte/double-authentification")
        XCTAssertEqual(left.text(id: "codes-restants"), "Codes de secours encore utilisables : 9.")

        let journal = try await phone.get("/compte/securite")
        for line in ["Double authentification activée", "Code de double authentification refusé", "Code de secours utilisé (9 restants)",
                     "Connexion avec le mot de passe (avec la double authentification)"] {
            XCTAssertTrue(journal.contains(line), line)
        }

        // Turned off by the citizen: the password suffices again.
        _ = try await phone.get("/compte/double-authentification")
        _ = try await phone.post("/compte/double-authentification/desactiver", [])
        let plain = try await signInWithPassword(guichet.browser(), "usager@demo.fr")
        XCTAssertEqual(plain.location, "/compte")
    }

    func testGuessesAreThrottled() async throws {
        let browser = guichet.browser()
        _ = try await signInWithPassword(browser, "agent@bron.demo.fr")
        _ = try await browser.get("/compte/connexion/code")
        for _ in 0..<5 { _ = try await browser.post("/compte/connexion/code", [("code", "000000")]) }
        guichet.clock.advance(30)
        let right = DemoData.secondFactorKey(for: "agent@bron.demo.fr").code(step: TOTPKey.step(at: guichet.clock.now))
        let blocked = try await browser.post("/compte/connexion/code", [("code", right)])
        XCTAssertEqual(blocked.fieldErrors["code"], "Trop de codes refusés. Réessayez dans 15 minutes.", "even the right code, once guessing started")
    }

    func testAgentsCannotWorkOrTurnItOffWithoutIt() async throws {
        // A citizen made an agent: the back-office asks for a second factor first.
        let account = try await XCTUnwrapAsync(try await guichet.store.account(email: "usager@demo.fr"))
        try await guichet.store.grantRoles(accountID: account.id, collectivite: "bron", roles: ["accueil"])
        let browser = guichet.browser()
        _ = try await browser.signIn("usager@demo.fr", password: password)
        let first = try await browser.get("/bo/bron/demandes")
        XCTAssertEqual(first.location, "/compte/double-authentification?retour=/bo/bron/demandes")
        let api = try await browser.get("/bo/bron/jetons")
        XCTAssertEqual(api.status, .seeOther, "no page of the back-office, API tokens included")
        let (key, _) = try await browser.setUpSecondFactor()
        let inbox = try await browser.get("/bo/bron/demandes")
        XCTAssertEqual(inbox.status, .ok)
        _ = try await browser.get("/compte/double-authentification")
        _ = try await browser.post("/compte/double-authentification/desactiver", [])
        let kept = try await guichet.store.hasSecondFactor(accountID: account.id)
        XCTAssertTrue(kept, "an agent keeps it")
        do { try await guichet.store.disableSecondFactor(accountID: account.id); XCTFail("the store refuses it too, whoever asks") }
        catch StoreError.conflict(let what) { XCTAssertEqual(what, "agent") }

        // A session opened without the code (the password reset link, FranceConnect) is asked it again.
        let other = guichet.browser()
        _ = try await other.get("/compte/mot-de-passe-oublie")
        _ = try await other.post("/compte/mot-de-passe-oublie", [("email", "usager@demo.fr")])
        let mails = try await guichet.outbox()
        let mail = try XCTUnwrap(mails.last { $0.to == "usager@demo.fr" })
        let token = String(try XCTUnwrap(mail.text.firstMatch(of: /jeton=([A-Za-z0-9_-]+)/)).1)
        _ = try await other.get("/compte/nouveau-mot-de-passe?jeton=\(token)")
        let reset = try await other.post("/compte/nouveau-mot-de-passe", [("jeton", token), ("password", "Tout-Nouveau-Secret-9")])
        XCTAssertEqual(reset.location, "/compte/connexion/code")
        let back = try await other.typeSecondFactor(key, on: "/compte/connexion/code", to: "/compte/connexion/code")
        XCTAssertEqual(back.location, "/bo")

        // A session opened without the code is asked it at the back-office's door: here, the reset link of an
        // account whose second factor was set up meanwhile from another browser.
        try await guichet.store.resetSecondFactor(accountID: account.id)
        let fresh = guichet.browser()
        _ = try await fresh.get("/compte/mot-de-passe-oublie")
        _ = try await fresh.post("/compte/mot-de-passe-oublie", [("email", "usager@demo.fr")])
        let later = try await guichet.outbox()
        let resetMail = try XCTUnwrap(later.last { $0.to == "usager@demo.fr" && $0.text.contains("nouveau-mot-de-passe") })
        let second = String(try XCTUnwrap(resetMail.text.firstMatch(of: /jeton=([A-Za-z0-9_-]+)/)).1)
        _ = try await fresh.get("/compte/nouveau-mot-de-passe?jeton=\(second)")
        _ = try await fresh.post("/compte/nouveau-mot-de-passe", [("jeton", second), ("password", "Encore-Un-Secret-10")])
        try await guichet.store.installSecondFactor(accountID: account.id, key: key)
        let redirected = try await fresh.get("/bo/bron/demandes")
        XCTAssertEqual(redirected.location, "/compte/double-authentification?retour=/bo/bron/demandes", "signed in without the code")
        let codePage = try await fresh.get("/compte/double-authentification?retour=/bo/bron/demandes")
        XCTAssertTrue(codePage.contains("action=\"/compte/double-authentification/verifier\""))
        let verified = try await fresh.typeSecondFactor(key, on: "/compte/double-authentification?retour=/bo/bron/demandes",
                                                        to: "/compte/double-authentification/verifier", fields: [("retour", "/bo/bron/demandes")])
        XCTAssertEqual(verified.location, "/bo/bron/demandes")
        let worked = try await fresh.get("/bo/bron/demandes")
        XCTAssertEqual(worked.status, .ok)
    }
}
