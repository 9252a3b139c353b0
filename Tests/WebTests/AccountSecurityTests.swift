import Foundation
import GuichetTestSupport
import Identity
import OpenIDConnect
import Storage
import Vapor
import XCTest

/// « Mes sessions » and the security journal: a person sees the browsers signed in to their account and closes
/// one from another; the journal names sign-ins, refused passwords and sessions closed; the Métropole's admins
/// search every journal, and nobody else.
final class AccountSecurityTests: XCTestCase {
    var guichet: TestGuichet!
    let password = "Guichet-Demo-2026!"
    let phone = "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36"
    let laptop = "Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0"

    override func setUp() async throws { guichet = try await TestGuichet.make() }
    override func tearDown() async throws { try await guichet.shutdown() }

    func testAPersonClosesTheSessionOfAnotherBrowserAndItsApplications() async throws {
        let onPhone = guichet.browser(), onLaptop = guichet.browser()
        _ = try await onPhone.signIn("usager@demo.fr", password: password, userAgent: phone)
        _ = try await onLaptop.signIn("usager@demo.fr", password: password, userAgent: laptop)
        let account = try await XCTUnwrapAsync(try await guichet.store.account(email: "usager@demo.fr"))

        // The laptop's sign-in opened an application: closing the session from the phone signs it out too.
        let sessions = try await guichet.store.sessions(ofAccount: account.id)
        XCTAssertEqual(Set(sessions.map(\.device)), ["Chrome sur Android", "Firefox sur Linux"])
        let laptopSession = try XCTUnwrap(sessions.first { $0.device == "Firefox sur Linux" })
        let page = try await onPhone.get("/compte/sessions")
        XCTAssertTrue(page.contains("<strong>Chrome sur Android</strong> — cet appareil"), page.body)
        XCTAssertTrue(page.contains("value=\"\(laptopSession.handle)\""), "the other session can be closed")
        XCTAssertEqual(page.body.components(separatedBy: "Fermer cette session").count - 1, 1, "not this browser's own")

        // Another person cannot close it, even knowing its handle.
        let other = guichet.browser()
        _ = try await other.signIn("agent@bron.demo.fr", password: password)
        _ = try await other.get("/compte/sessions")
        _ = try await other.post("/compte/sessions/fermer", [("session", laptopSession.handle)])
        let stillThere = try await onLaptop.get("/compte")
        XCTAssertEqual(stillThere.status, .ok, "another account's request ended nothing")

        let closed = try await onPhone.post("/compte/sessions/fermer", [("session", laptopSession.handle)])
        XCTAssertEqual(closed.location, "/compte/sessions")
        let signedOut = try await onLaptop.get("/compte")
        XCTAssertEqual(signedOut.status, .seeOther)
        XCTAssertTrue(signedOut.location?.hasPrefix("/compte/connexion") == true, "the laptop must sign in again")
        let left = try await guichet.store.sessions(ofAccount: account.id)
        XCTAssertEqual(left.map(\.device), ["Chrome sur Android"])

        let journal = try await onPhone.get("/compte/securite")
        XCTAssertTrue(journal.contains("Session fermée à distance"))
        XCTAssertTrue(journal.contains("Connexion avec le mot de passe"))
        XCTAssertTrue(journal.contains("Firefox sur Linux"))
        XCTAssertFalse(journal.contains("à vérifier"), "nothing alarming yet")
    }

    func testClosingEveryOtherSessionKeepsThisOne() async throws {
        let here = guichet.browser()
        _ = try await here.signIn("usager@demo.fr", password: password)
        for _ in 0..<3 { _ = try await guichet.browser().signIn("usager@demo.fr", password: password) }
        _ = try await here.get("/compte/sessions")
        _ = try await here.post("/compte/sessions/fermer-autres", [])
        let page = try await here.get("/compte/sessions")
        XCTAssertTrue(page.contains("3 autres sessions ont été fermées."), page.body)
        XCTAssertFalse(page.contains("Fermer toutes les autres sessions"), "no other session left")
        let account = try await XCTUnwrapAsync(try await guichet.store.account(email: "usager@demo.fr"))
        let count = try await guichet.store.sessions(ofAccount: account.id).count
        XCTAssertEqual(count, 1)
    }

    func testARefusedPasswordIsInTheJournalAsSomethingToCheck() async throws {
        let intruder = guichet.browser()
        _ = try await intruder.signIn("usager@demo.fr", password: "pas-le-bon-mot-de-passe", userAgent: laptop)
        _ = try await intruder.signIn("personne@nulle-part.fr", password: "pas-le-bon-mot-de-passe")
        guichet.clock.advance(60)  // the journal's order is its lines' times
        let owner = guichet.browser()
        _ = try await owner.signIn("usager@demo.fr", password: password)
        let journal = try await owner.get("/compte/securite")
        XCTAssertTrue(journal.contains("Mot de passe refusé <strong>— à vérifier</strong>"), journal.body)
        XCTAssertTrue(journal.contains("Changez votre mot de passe"))
        XCTAssertTrue(journal.contains("Firefox sur Linux"))
        let (first, second) = (try XCTUnwrap(journal.body.range(of: "Connexion avec le mot de passe")), try XCTUnwrap(journal.body.range(of: "Mot de passe refusé")))
        XCTAssertLessThan(first.lowerBound, second.lowerBound, "newest first")
    }

    func testTheMetropoleAdminsSearchEveryJournalAndNobodyElse() async throws {
        _ = try await guichet.browser().signIn("usager@demo.fr", password: "pas-le-bon-mot-de-passe")
        _ = try await guichet.browser().signIn("agent@bron.demo.fr", password: password)
        let admin = guichet.browser()
        _ = try await admin.signIn("admin@metropole.demo.fr", password: password)
        let all = try await admin.get("/bo/metropole/securite")
        XCTAssertEqual(all.status, .ok)
        XCTAssertTrue(all.contains("usager@demo.fr") && all.contains("agent@bron.demo.fr"))
        let one = try await admin.get("/bo/metropole/securite?courriel=USAGER%40demo.fr&type=mot_de_passe_refuse")
        XCTAssertTrue(one.contains("usager@demo.fr") && one.contains("Mot de passe refusé"))
        XCTAssertFalse(one.contains("agent@bron.demo.fr"))
        let future = try await admin.get("/bo/metropole/securite?du=2099-01-01")
        XCTAssertTrue(future.contains("Aucun événement ne correspond."))
        let past = try await admin.get("/bo/metropole/securite?au=2020-01-01")
        XCTAssertTrue(past.contains("Aucun événement ne correspond."))
        let within = try await admin.get("/bo/metropole/securite?du=2020-01-01&au=2099-12-31")
        XCTAssertTrue(within.contains("agent@bron.demo.fr"))

        let bad = try await admin.get("/bo/metropole/securite?courriel=usager&du=2026-02-30")
        XCTAssertEqual(bad.status, .unprocessableEntity)
        XCTAssertEqual(bad.fieldErrors["courriel"], "Saisissez une adresse e-mail complète, par exemple nom@exemple.fr.")
        XCTAssertEqual(bad.fieldErrors["du"], "Saisissez une date au format JJ/MM/AAAA.")

        let communeAdmin = guichet.browser()
        _ = try await communeAdmin.signIn("admin@caluire-et-cuire.demo.fr", password: password)
        let refused = try await communeAdmin.get("/bo/caluire-et-cuire/securite")
        XCTAssertEqual(refused.status, .forbidden, "accounts are the platform's, not a commune's")
        let citizen = guichet.browser()
        _ = try await citizen.signIn("usager@demo.fr", password: password)
        let notAnAgent = try await citizen.get("/bo/metropole/securite")
        XCTAssertEqual(notAnAgent.status, .forbidden)
    }

    func testTheJournalIsKeptAYear() async throws {
        let account = try await XCTUnwrapAsync(try await guichet.store.account(email: "usager@demo.fr"))
        try await guichet.store.record(SecurityEvent(accountID: account.id, at: guichet.clock.now, kind: .signIn))
        guichet.clock.advance(days: 364)
        try await guichet.store.record(SecurityEvent(accountID: account.id, at: guichet.clock.now, kind: .passwordChanged))
        guichet.clock.advance(days: 2)
        let removed = try await guichet.store.purgeOldSecurityEvents()
        XCTAssertEqual(removed, 1)
        let kept = try await guichet.store.securityEvents(ofAccount: account.id).map(\.kind)
        XCTAssertEqual(kept, [.passwordChanged])
    }
}
