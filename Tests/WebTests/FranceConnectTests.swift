import Demarches
import Foundation
import GuichetTestSupport
import OpenIDConnect
import Storage
import Vapor
import XCTest
import XCTVapor

/// Guichet as FranceConnect's relying party, over HTTP up to the point where FranceConnect would answer (the
/// whole trip, against a FranceConnect stand-in, is e2e/test_franceconnect_journey.py), and the account rules
/// in the store.
final class FranceConnectTests: XCTestCase {
    var guichet: TestGuichet!
    let issuer = "https://fc.example/api/v2"

    override func setUp() async throws {
        guichet = try await TestGuichet.make { config in
            config.franceConnect = try? FranceConnectSettings(base: "https://fc.example/api/v2", clientID: "guichet-fs", clientSecret: "s3cret")
        }
    }
    override func tearDown() async throws { try await guichet.shutdown() }

    let angela = PivotIdentity(givenName: "Angela Claire Louise", familyName: "DUBOIS", birthdate: "1962-08-24", gender: "female",
                               birthplace: "75107", birthcountry: "99100")

    func identity(_ subject: String, email: String?, pivot: PivotIdentity? = nil) -> FederatedIdentity {
        FederatedIdentity(subject: subject, pivot: pivot ?? angela, email: email, preferredUsername: nil, idToken: "id.token.x")
    }

    func assertConflict(line: UInt = #line, _ body: () async throws -> some Any) async throws {
        do { _ = try await body(); XCTFail("expected a conflict", line: line) } catch StoreError.conflict {}
    }

    func query(_ location: String?) -> [String: String] {
        Dictionary(uniqueKeysWithValues: (URLComponents(string: location ?? "")?.queryItems ?? []).map { ($0.name, $0.value ?? "") })
    }

    func testTheSignInPagesOfferFranceConnectFirstAndTheButtonStartsTheTrip() async throws {
        let browser = guichet.browser()
        let signIn = try await browser.get("/compte/connexion?retour=/oidc/reprendre%3Fa%3D1%26b%3D2")
        let button = try XCTUnwrap(signIn.body.range(of: "franceconnect-button"))
        XCTAssertLessThan(button.lowerBound, try XCTUnwrap(signIn.body.range(of: "action=\"/compte/connexion\"")).lowerBound, "first of the means")
        XCTAssertTrue(signIn.contains("href=\"/franceconnect/connexion?retour=%2Foidc%2Freprendre%3Fa%3D1%26b%3D2\""), "the return address survives")
        XCTAssertTrue(signIn.contains("Qu'est-ce que FranceConnect ?"))
        let value1 = try await browser.get("/compte/inscription").contains("franceconnect-button")
        XCTAssertTrue(value1)

        let start = try await browser.get("/franceconnect/connexion?retour=/compte/applications")
        XCTAssertEqual(start.status, .seeOther)
        XCTAssertTrue(start.location?.hasPrefix(issuer + "/authorize?") == true)
        let asked = query(start.location)
        XCTAssertEqual(asked["acr_values"], "eidas1")
        XCTAssertEqual(asked["redirect_uri"], guichet.app.guichet.baseURL + "/franceconnect/retour")
        XCTAssertGreaterThanOrEqual(asked["state"]?.count ?? 0, 32)
        XCTAssertGreaterThanOrEqual(asked["nonce"]?.count ?? 0, 32)
        // A callback from another issuer is refused before anything is asked of FranceConnect (whose address
        // here resolves nowhere), and the attempt is spent: the same state again is not believed.
        let mixUp = try await browser.get("/franceconnect/retour?code=c&state=\(asked["state"] ?? "")&iss=https%3A%2F%2Fevil.example%2Fapi%2Fv2")
        XCTAssertEqual(mixUp.status, .badRequest)
        XCTAssertTrue(mixUp.contains("pas pu être vérifiée"))
        let replay = try await browser.get("/franceconnect/retour?code=c&state=\(asked["state"] ?? "")&iss=\(issuer)")
        XCTAssertTrue(replay.contains("pas été demandée depuis ce navigateur"))
        let after = try await browser.get("/compte")
        XCTAssertEqual(after.status, .seeOther, "nobody signed in")
    }

    func testACancelledTripSaysSoAndAForeignStateIsRefused() async throws {
        let browser = guichet.browser()
        let state = query(try await browser.get("/franceconnect/connexion").location)["state"] ?? ""
        let foreign = try await browser.get("/franceconnect/retour?error=access_denied&state=autre")
        XCTAssertEqual(foreign.status, .badRequest)
        let other = guichet.browser()
        _ = try await other.get("/franceconnect/connexion")
        let stolen = try await other.get("/franceconnect/retour?error=access_denied&state=\(state)")
        XCTAssertTrue(stolen.contains("pas été demandée depuis ce navigateur"), "a state is this browser's only")
        let state2 = query(try await browser.get("/franceconnect/connexion").location)["state"] ?? ""
        let cancelled = try await browser.get("/franceconnect/retour?error=access_denied&state=\(state2)")
        XCTAssertEqual(cancelled.status, .ok)
        XCTAssertTrue(cancelled.contains("Vous avez annulé la connexion avec FranceConnect"))
    }

    func testWithoutFranceConnectConfiguredThereIsNoButton() async throws {
        let plain = try await TestGuichet.make()
        let browser = plain.browser()
        let value2 = try await browser.get("/compte/connexion").contains("franceconnect-button")
        XCTAssertFalse(value2)
        let value3 = try await browser.get("/franceconnect/connexion").status
        XCTAssertEqual(value3, .notFound)
        try await plain.shutdown()
    }

    func testTheStoreLinksBySubjectAndSixFieldsNeverByEmailAlone() async throws {
        let store = guichet.store
        let declared = try await store.createAccount(email: "declaree@demo.fr", name: "A", passwordHash: "h", confirmed: true)
        let other = try await store.createAccount(email: "angela@demo.fr", name: "B", passwordHash: "h", confirmed: true)
        var typed = angela
        typed.givenName = "angela claire-louise"  // as a person types it
        try await store.declareCivilIdentity(accountID: declared.id, typed)

        var situation = try await store.linkingSituation(for: identity("sub-1", email: "angela@demo.fr"), currentAccount: nil)
        XCTAssertEqual(situation.pivotMatches, [declared.id])
        XCTAssertEqual(situation.emailAccount, other.id)
        XCTAssertNil(situation.linkedAccount)

        try await store.linkFranceConnect(accountID: declared.id, identity("sub-1", email: "angela@demo.fr"))
        situation = try await store.linkingSituation(for: identity("sub-1", email: "angela@demo.fr"), currentAccount: nil)
        XCTAssertEqual(situation.linkedAccount, declared.id)
        XCTAssertEqual(situation.pivotMatches, [], "a linked identity is no longer a candidate")
        let linked = try await store.civilIdentity(accountID: declared.id)
        XCTAssertEqual(linked?.pivot, angela, "FranceConnect's spelling replaces the declared one")
        XCTAssertTrue(linked?.isVerified == true)

        // One subject, one account; one account, one subject.
        try await assertConflict { try await store.linkFranceConnect(accountID: other.id, self.identity("sub-1", email: nil)) }
        try await assertConflict { try await store.linkFranceConnect(accountID: declared.id, self.identity("sub-2", email: nil)) }
        try await assertConflict { try await store.declareCivilIdentity(accountID: declared.id, self.angela) }
        // An account made from an identity whose address is taken: refused, never merged.
        try await assertConflict { try await store.createAccount(from: self.identity("sub-3", email: "angela@demo.fr"), email: "angela@demo.fr") }

        // Applications receive a verified identity only.
        let person = try await store.person(accountID: declared.id)
        XCTAssertEqual(person?.pivot, angela)
        XCTAssertEqual(person?.identityLevel, "franceconnect")
        try await store.declareCivilIdentity(accountID: other.id, angela)
        let value4 = try await store.person(accountID: other.id)?.pivot
        XCTAssertNil(value4, "a declared identity is the holder's word")

        try await store.unlinkFranceConnect(accountID: declared.id)
        let value5 = try await store.civilIdentity(accountID: declared.id)
        XCTAssertNil(value5)
        let value6 = try await store.person(accountID: declared.id)?.identityLevel
        XCTAssertEqual(value6, "local")
    }

    func testAnAccountMadeByFranceConnectHasNoPasswordAndCannotUnlinkUntilItHasOne() async throws {
        let account = try await guichet.store.createAccount(from: identity("sub-9", email: "fc@demo.fr"), email: "fc@demo.fr")
        XCTAssertEqual(account.passwordHash, "")
        XCTAssertEqual(account.name, "Angela DUBOIS")
        // Signing in by password is impossible (no hash), so the page is reached through a set password here.
        let hash = try guichet.app.password.hash("Guichet-Demo-2026!")
        try await guichet.store.setPassword(accountID: account.id, passwordHash: hash)
        let token = try await guichet.store.issueToken(accountID: account.id, purpose: .confirmEmail, lifetime: 60)
        _ = try await guichet.store.consumeToken(token, purpose: .confirmEmail)
        let browser = guichet.browser()
        _ = try await browser.signIn("fc@demo.fr", password: "Guichet-Demo-2026!")
        let page = try await browser.get("/compte/franceconnect")
        XCTAssertTrue(page.contains("Votre compte est relié à FranceConnect"))
        let wrong = try await browser.post("/compte/franceconnect/delier", [("password", "nope")])
        XCTAssertEqual(wrong.status, .unprocessableEntity)
        XCTAssertEqual(wrong.fieldErrors["password"], "Mot de passe incorrect.")
        let value7 = try await guichet.store.civilIdentity(accountID: account.id)
        XCTAssertNotNil(value7, "nothing changed")
        let forged = try await browser.post("/compte/franceconnect/delier", [("password", "Guichet-Demo-2026!")], withCSRF: false)
        XCTAssertNotEqual(forged.status, .seeOther)
        let value8 = try await guichet.store.civilIdentity(accountID: account.id)
        XCTAssertNotNil(value8)
        let done = try await browser.post("/compte/franceconnect/delier", [("password", "Guichet-Demo-2026!")])
        XCTAssertEqual(done.status, .seeOther)
        let value9 = try await guichet.store.civilIdentity(accountID: account.id)
        XCTAssertNil(value9)
    }

    func testADeclaredIdentityIsCheckedBesideEachField() async throws {
        let browser = guichet.browser()
        _ = try await browser.signIn("usager@demo.fr", password: "Guichet-Demo-2026!")
        _ = try await browser.get("/compte/franceconnect")
        let wrong = try await browser.post("/compte/franceconnect/etat-civil", [
            ("given_name", "Camille"), ("family_name", ""), ("birthdate", "1990-13-01"), ("gender", "female"), ("birthplace", ""), ("birthcountry", "99100"),
        ])
        XCTAssertEqual(wrong.status, .unprocessableEntity)
        XCTAssertEqual(Set(wrong.fieldErrors.keys), ["family_name", "birthdate", "birthplace"])
        XCTAssertTrue(wrong.contains("value=\"Camille\""), "what was typed is kept")
        let account = try await XCTUnwrapAsync(try await guichet.store.account(email: "usager@demo.fr"))
        let value10 = try await guichet.store.civilIdentity(accountID: account.id)
        XCTAssertNil(value10)
        let right = try await browser.post("/compte/franceconnect/etat-civil", [
            ("given_name", "Camille"), ("family_name", "Usager"), ("birthdate", "1990-12-01"), ("gender", "female"), ("birthplace", "69123"), ("birthcountry", "99100"),
        ])
        XCTAssertEqual(right.status, .seeOther)
        let value11 = try await guichet.store.civilIdentity(accountID: account.id)?.pivot.birthplace
        XCTAssertEqual(value11, "69123")
    }

    /// A démarche's questions that ask for the civil identity take the verified one, read-only, and keep it
    /// whatever is posted; an account without a verified identity types them as usual.
    func testQuestionsAskingTheIdentityAreFilledFromFranceConnectAndKeptSo() async throws {
        var definition = try DemoCatalogue.definition("acte-etat-civil")
        definition.slug = "acte-de-naissance"
        for i in definition.form.fields.indices {
            switch definition.form.fields[i].id {
            case "titulaire_prenoms": definition.form.fields[i].identity = .givenName
            case "titulaire_nom": definition.form.fields[i].identity = .familyName
            case "date_evenement": definition.form.fields[i].identity = .birthdate
            default: break
            }
        }
        let scope = try await XCTUnwrapAsync(try await guichet.store.operatorScope(slug: "caluire-et-cuire"))
        _ = try await guichet.store.publish(definition, online: true, in: scope)
        let path = "/c/caluire-et-cuire/demarches/acte-de-naissance"

        let plain = guichet.browser()
        _ = try await plain.signIn("usager@demo.fr", password: "Guichet-Demo-2026!")
        let typed = try await plain.get(path)
        XCTAssertFalse(typed.contains("Renseigné par FranceConnect"), "no verified identity: typed as usual")

        let account = try await guichet.store.createAccount(email: "angela@demo.fr", name: "Angela Dubois",
                                                            passwordHash: try await guichet.app.password.async.hash("Guichet-Demo-2026!"), confirmed: true)
        try await guichet.store.linkFranceConnect(accountID: account.id, identity("sub-a", email: "angela@demo.fr"))
        let browser = guichet.browser()
        _ = try await browser.signIn("angela@demo.fr", password: "Guichet-Demo-2026!")
        let page = try await browser.get(path)
        XCTAssertEqual(page.body.components(separatedBy: "Renseigné par FranceConnect").count - 1, 3, page.body)
        XCTAssertTrue(page.contains(#"name="titulaire_prenoms" value="Angela Claire Louise" maxlength="150" readonly aria-describedby="fc-titulaire_prenoms "#), page.body)
        XCTAssertTrue(page.contains(#"name="date_evenement" value="1962-08-24""#))

        let sent = try await browser.postMultipart(path, [
            ("acte", "naissance"), ("document", "copie"), ("exemplaires", "1"), ("titulaire_nom", "MARTIN"), ("titulaire_prenoms", "Autre"),
            ("date_evenement", "2000-01-01"), ("qualite", "titulaire"), ("adresse_envoi.street", "1 rue A"), ("adresse_envoi.postcode", "69300"),
            ("adresse_envoi.city", "Caluire-et-Cuire"), ("nom", "Angela Dubois"), ("email", "angela@demo.fr"), ("_envoi", "jeton-essai"),
        ])
        XCTAssertEqual(sent.status, .seeOther, sent.body)
        let filed = try await guichet.store.demandes(ofAccount: account.id)
        let number = try XCTUnwrap(filed.first?.number)
        let agentScope = try await XCTUnwrapAsync(try await guichet.agentScope("agent@caluire-et-cuire.demo.fr", "caluire-et-cuire"))
        let detail = try await XCTUnwrapAsync(try await guichet.store.demande(number: number, in: agentScope))
        XCTAssertEqual(detail.data["titulaire_prenoms"], .text("Angela Claire Louise"), "what FranceConnect says, not what was posted")
        XCTAssertEqual(detail.data["titulaire_nom"], .text("DUBOIS"))
        XCTAssertEqual(detail.data["date_evenement"], .text("1962-08-24"))
    }
}
