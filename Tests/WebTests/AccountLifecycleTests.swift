import Foundation
import GuichetTestSupport
import Identity
import Storage
import Vapor
import XCTest

/// An account's address changed (confirmed on the new one, the old one told), the account deleted (what it held
/// goes, its requests stay without it), and unused accounts warned then deleted.
final class AccountLifecycleTests: XCTestCase {
    var guichet: TestGuichet!
    let password = "Guichet-Demo-2026!"

    override func setUp() async throws { guichet = try await TestGuichet.make() }
    override func tearDown() async throws { try await guichet.shutdown() }

    func link(to address: String, _ path: String) async throws -> String? {
        let mails = try await guichet.outbox()
        guard let mail = mails.last(where: { $0.to == address }), let match = mail.text.firstMatch(of: /http\S+(\/compte\/[a-z\/-]+\?jeton=[A-Za-z0-9_-]+)/),
              match.1.hasPrefix(path) else { return nil }
        return String(match.1)
    }

    func testTheAddressChangesOnlyOnceTheNewOneIsConfirmedAndTheOldOneIsTold() async throws {
        let browser = guichet.browser()
        _ = try await browser.signIn("usager@demo.fr", password: password)
        _ = try await browser.get("/compte/courriel")
        let bad = try await browser.post("/compte/courriel", [("email", "pas-une-adresse"), ("password", password)])
        XCTAssertEqual(bad.fieldErrors["email"], "Saisissez une adresse e-mail valide, par exemple nom@exemple.fr.")
        let wrong = try await browser.post("/compte/courriel", [("email", "dominique@nouvelle.fr"), ("password", "pas-le-bon")])
        XCTAssertEqual(wrong.fieldErrors["password"], "Mot de passe incorrect.")
        let taken = try await browser.post("/compte/courriel", [("email", "agent@bron.demo.fr"), ("password", password)])
        XCTAssertTrue(taken.contains("Un message vient d"), "the same answer whether the address has an account")
        let noLink = try await link(to: "agent@bron.demo.fr", "/compte/courriel")
        XCTAssertNil(noLink, "no link to take another account's address")

        _ = try await browser.get("/compte/courriel")
        _ = try await browser.post("/compte/courriel", [("email", "Dominique@Nouvelle.fr"), ("password", password)])
        let path = try await XCTUnwrapAsync(try await link(to: "dominique@nouvelle.fr", "/compte/courriel/confirmer"))
        let before = try await guichet.store.account(email: "usager@demo.fr")
        XCTAssertNotNil(before, "unchanged until the link is opened")
        let confirmed = try await browser.get(path)
        XCTAssertEqual(confirmed.location, "/compte")
        let after = try await guichet.store.account(email: "dominique@nouvelle.fr")
        XCTAssertEqual(after?.id, before?.id)
        let mails = try await guichet.outbox()
        let notice = try XCTUnwrap(mails.last { $0.to == "usager@demo.fr" })
        XCTAssertEqual(notice.subject, "L'adresse e-mail de votre compte a changé")
        XCTAssertTrue(notice.text.contains("dominique@nouvelle.fr"))
        let again = try await browser.get(path)
        XCTAssertEqual(again.status, .notFound, "the link works once")
        let journal = try await browser.get("/compte/securite")
        XCTAssertTrue(journal.contains("Adresse e-mail changée (ancienne adresse usager@demo.fr)"))
        let signIn = try await guichet.browser().signIn("dominique@nouvelle.fr", password: password)
        XCTAssertEqual(signIn.location, "/compte")
    }

    func testADeletedAccountLeavesItsRequestsWithoutItAndSignsOutEverywhere() async throws {
        let api = guichet.browser()
        let filed = try await api.json(.POST, "/api/v1/collectivites/caluire-et-cuire/demarches/signalement-espace-public/demandes", ["data": [
            "categorie": "tag", "description": "Tag", "adresse": ["street": "1 rue A", "postcode": "69300", "city": "Caluire-et-Cuire"],
            "nom": "Dominique Usager", "email": "usager@demo.fr", "consentement": true]])
        let number = try XCTUnwrap(filed.body.firstMatch(of: /"number":"([A-Z0-9-]+)"/)).1.description
        let here = guichet.browser(), elsewhere = guichet.browser()
        _ = try await here.signIn("usager@demo.fr", password: password)
        _ = try await elsewhere.signIn("usager@demo.fr", password: password)
        _ = try await here.get("/compte")
        _ = try await here.post("/compte/rattacher", [])
        let account = try await XCTUnwrapAsync(try await guichet.store.account(email: "usager@demo.fr"))
        let mine = try await guichet.store.demandes(ofAccount: account.id).map(\.number)
        XCTAssertEqual(mine, [number])

        let page = try await here.get("/compte/supprimer")
        XCTAssertTrue(page.contains("Vos demandes (1) ne sont pas supprimées"))
        let refused = try await here.post("/compte/supprimer", [("password", "pas-le-bon")])
        XCTAssertEqual(refused.status, .unprocessableEntity)
        let still = try await guichet.store.account(id: account.id)
        XCTAssertNotNil(still, "a wrong password deletes nothing")
        let done = try await here.post("/compte/supprimer", [("password", password)])
        XCTAssertTrue(done.contains("Votre compte est supprimé"))
        let gone = try await guichet.store.account(id: account.id)
        XCTAssertNil(gone)
        let other = try await elsewhere.get("/compte")
        XCTAssertTrue(other.location?.hasPrefix("/compte/connexion") == true, "the other browser is signed out")
        let caluire = try await XCTUnwrapAsync(try await guichet.agentScope("agent@caluire-et-cuire.demo.fr", "caluire-et-cuire"))
        let kept = try await guichet.store.demande(number: number, in: caluire)
        XCTAssertEqual(kept?.email, "usager@demo.fr", "the request is the service's record, until its démarche anonymises it")

        let agent = guichet.browser()
        _ = try await agent.signIn("agent@bron.demo.fr", password: password)
        _ = try await agent.get("/compte/supprimer")
        let agentRefused = try await agent.post("/compte/supprimer", [("password", password)])
        XCTAssertTrue(agentRefused.contains("retire d&#39;abord vos rôles") || agentRefused.contains("retire d'abord vos rôles"))
        let agentKept = try await guichet.store.account(email: "agent@bron.demo.fr")
        XCTAssertNotNil(agentKept)
    }

    func testUnusedAccountsAreWarnedThenDeletedAfterTheWholeNotice() async throws {
        let policy = try XCTUnwrap(InactivityPolicy(warnAfterMonths: 23, deleteAfterMonths: 24))
        XCTAssertNil(InactivityPolicy(warnAfterMonths: 24, deleteAfterMonths: 24))
        let mail: @Sendable (String, Date) -> OutboxMail = { OutboxMail(to: $0, subject: "avertissement", text: "\($1)") }
        let used = try await XCTUnwrapAsync(try await guichet.store.account(email: "usager@demo.fr"))
        let idle = try await guichet.store.createAccount(email: "oublie@exemple.fr", name: "Compte oublié", passwordHash: "x", confirmed: true)

        guichet.clock.advance(days: 300)
        try await guichet.store.recordSignIn(accountID: used.id, journal: nil)
        guichet.clock.advance(days: 23 * 31 - 300)
        let warned = try await guichet.store.warnInactiveAccounts(policy, mail: mail)
        XCTAssertEqual(warned, 1, "the idle citizen only: not the one used since, nor the agents (seeded at the start)")
        let outbox = try await guichet.outbox()
        XCTAssertEqual(outbox.filter { $0.subject == "avertissement" }.map(\.to), ["oublie@exemple.fr"])
        let twice = try await guichet.store.warnInactiveAccounts(policy, mail: mail)
        XCTAssertEqual(twice, 0, "warned once")

        guichet.clock.advance(days: 20)
        let early = try await guichet.store.deleteInactiveAccounts(policy)
        XCTAssertEqual(early, 0, "24 months passed, but not the month's notice")
        guichet.clock.advance(days: 12)
        let deleted = try await guichet.store.deleteInactiveAccounts(policy)
        XCTAssertEqual(deleted, 1)
        let idleGone = try await guichet.store.account(id: idle.id)
        XCTAssertNil(idleGone)
        let usedKept = try await guichet.store.account(id: used.id)
        XCTAssertNotNil(usedKept)
    }
}
