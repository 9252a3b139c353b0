import Conventions
import Foundation
import GuichetTestSupport
import OpenIDConnect
@testable import Storage
import Vapor
import XCTest
import XCTVapor

/// GrandLyon Connect as an application sees it, over HTTP: the code flow with PKCE, tokens, userinfo,
/// refresh rotation, revocation, introspection, logout. (The independent clients, authlib and oic, run the same
/// against the real server in e2e/test_oidc_clients.py.)
final class OpenIDProviderTests: XCTestCase {
    var guichet: TestGuichet!
    var secret = ""
    let redirect = "https://www.laclasse.com/callback"
    let verifier = String(repeating: "verifier-", count: 6)

    override func setUp() async throws {
        guichet = try await TestGuichet.make()
        try await registerClients()
    }

    func registerClients() async throws {
        secret = try await guichet.store.registerRelyingParty(RelyingParty(
            id: "laclasse", name: "laclasse.com", kind: .confidential, redirectURIs: [redirect],
            postLogoutRedirectURIs: ["https://www.laclasse.com/"], scopes: ["openid", "profile", "email"],
            backChannelLogoutURI: "https://www.laclasse.com/deconnexion")) ?? ""
        _ = try await guichet.store.registerRelyingParty(RelyingParty(
            id: "guichet-mobile", name: "Guichet mobile", kind: .public, redirectURIs: ["fr.grandlyon.guichet:/callback"], scopes: ["openid", "email"],
            idTokenAlgorithm: .es256))
    }
    override func tearDown() async throws { try await guichet.shutdown() }

    func authorizePath(_ extra: [String: String] = [:], client: String = "laclasse", redirectURI: String? = nil) -> String {
        var items = ["response_type": "code", "client_id": client, "redirect_uri": redirectURI ?? redirect, "scope": "openid email profile",
                     "state": "etat-123", "nonce": "nonce-456", "code_challenge": PKCE.challengeOf(verifier), "code_challenge_method": "S256"]
        items.merge(extra) { $1 }
        var components = URLComponents(string: "/oidc/authorize")!
        components.queryItems = items.filter { !$0.value.isEmpty }.sorted { $0.key < $1.key }.map { URLQueryItem(name: $0.key, value: $0.value) }
        return components.string!.replacingOccurrences(of: "+", with: "%2B")
    }

    /// Signs the demo citizen in through the authorization request, consents, and returns the redirect's query.
    func code(_ browser: Browser, _ extra: [String: String] = [:], consent: Bool = true) async throws -> [String: String] {
        let first = try await browser.get(authorizePath(extra))
        if first.location?.hasPrefix("/compte/connexion") == true {
            try await browser.get(try XCTUnwrap(first.location))
            let signedIn = try await browser.post("/compte/connexion", [("email", "usager@demo.fr"), ("password", "Guichet-Demo-2026!"), ("retour", "/oidc/reprendre")])
            XCTAssertEqual(signedIn.location, "/oidc/reprendre")
            var page = try await browser.get("/oidc/reprendre")
            if page.contains("Autoriser") {
                XCTAssertTrue(page.contains("votre adresse e-mail"), "the consent page says what is shared")
                page = try await browser.post("/oidc/consentement", [("decision", consent ? "autoriser" : "refuser")])
            }
            return query(try XCTUnwrap(page.location))
        }
        return query(try XCTUnwrap(first.location))
    }

    func issuedCode(_ browser: Browser) async throws -> String {
        let answer = try await code(browser)
        return try XCTUnwrap(answer["code"], "\(answer)")
    }

    func query(_ location: String) -> [String: String] {
        var result: [String: String] = [:]
        for item in URLComponents(string: location)?.queryItems ?? [] { result[item.name] = item.value }
        result["_base"] = location.components(separatedBy: "?")[0]
        return result
    }

    /// A server-to-server call, without the browser's cookies.
    func call(_ path: String, _ form: [String: String], basic: (String, String)? = nil, bearer: String? = nil, method: HTTPMethod = .POST) async throws -> (HTTPStatus, [String: Any]) {
        var headers = HTTPHeaders()
        if let (user, password) = basic { headers.replaceOrAdd(name: .authorization, value: "Basic " + Data("\(user):\(password)".utf8).base64EncodedString()) }
        if let bearer { headers.replaceOrAdd(name: .authorization, value: "Bearer " + bearer) }
        var body = ByteBuffer()
        if method == .POST {
            headers.contentType = .urlEncodedForm
            body = ByteBuffer(string: form.map { "\($0.key)=\($0.value.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")" }.joined(separator: "&"))
        }
        let response = try await guichet.app.testable().performTest(request: TestingHTTPRequest(method: method, url: URI(string: path), headers: headers, body: body))
        let json = (try? JSONSerialization.jsonObject(with: Data(buffer: response.body))) as? [String: Any] ?? [:]
        return (response.status, json)
    }

    func exchange(_ code: String, verifier: String? = nil) async throws -> (HTTPStatus, [String: Any]) {
        try await call("/oidc/token", ["grant_type": "authorization_code", "code": code, "redirect_uri": redirect, "code_verifier": verifier ?? self.verifier],
                       basic: ("laclasse", secret))
    }

    func testTheCodeFlowGivesVerifiableTokensAndUserinfo() async throws {
        let browser = guichet.browser()
        let answer = try await code(browser)
        XCTAssertEqual(answer["_base"], redirect)
        XCTAssertEqual(answer["state"], "etat-123")
        XCTAssertEqual(answer["iss"], "http://127.0.0.1:8080")
        let code = try XCTUnwrap(answer["code"])

        let (status, tokens) = try await exchange(code)
        XCTAssertEqual(status, .ok, "\(tokens)")
        XCTAssertEqual(tokens["token_type"] as? String, "Bearer")
        let idToken = try XCTUnwrap(tokens["id_token"] as? String), accessToken = try XCTUnwrap(tokens["access_token"] as? String)
        let ring = try await guichet.store.keyRing()
        let (id, type) = try await ring.verify(idToken)
        XCTAssertEqual(type, "JWT")
        XCTAssertEqual(JWSHeader.read(idToken)?.alg, "RS256", "the application's default")
        XCTAssertEqual(id["nonce"], .string("nonce-456"))
        XCTAssertEqual(id["aud"], .string("laclasse"))
        XCTAssertEqual(id["email"], .string("usager@demo.fr"))
        XCTAssertEqual(id["at_hash"], .string(TokenIssuer.leftHalfHash(accessToken)))
        XCTAssertEqual(id["amr"], .strings(["pwd"]), "signed in with the password alone")

        let (infoStatus, info) = try await call("/oidc/userinfo", [:], bearer: accessToken, method: .GET)
        XCTAssertEqual(infoStatus, .ok)
        XCTAssertEqual(info["email"] as? String, "usager@demo.fr")
        XCTAssertEqual(info["name"] as? String, "Dominique Usager")
        XCTAssertEqual(info["identity_level"] as? String, "local")
        XCTAssertEqual(info["sub"] as? String, id["sub"]?.string)
        let (postStatus, posted) = try await call("/oidc/userinfo", ["access_token": accessToken])
        XCTAssertEqual(postStatus, .ok)
        XCTAssertEqual(posted["sub"] as? String, info["sub"] as? String)
        let (forged, _) = try await call("/oidc/userinfo", [:], bearer: idToken, method: .GET)
        XCTAssertEqual(forged, .unauthorized, "an ID token is not an access token")

        // The code works once; its reuse revokes what it issued.
        let (again, error) = try await exchange(code)
        XCTAssertEqual(again, .badRequest)
        XCTAssertEqual(error["error"] as? String, "invalid_grant")
        let (afterReuse, _) = try await call("/oidc/userinfo", [:], bearer: accessToken, method: .GET)
        XCTAssertEqual(afterReuse, .unauthorized)
        let (refreshAfterReuse, _) = try await call("/oidc/token", ["grant_type": "refresh_token", "refresh_token": tokens["refresh_token"] as? String ?? ""],
                                                    basic: ("laclasse", secret))
        XCTAssertEqual(refreshAfterReuse, .badRequest)
    }

    func testConsentIsAskedOnceAndPromptNoneNeedsASession() async throws {
        let silent = query(try await guichet.browser().get(authorizePath(["prompt": "none"])).location ?? "")
        XCTAssertEqual(silent["error"], "login_required")
        XCTAssertEqual(silent["state"], "etat-123")

        let browser = guichet.browser()
        _ = try await code(browser)
        let second = try await browser.get(authorizePath(["prompt": "none"]))
        XCTAssertNotNil(query(second.location ?? "")["code"], "signed in and consented: no page")
        let wider = try await browser.get(authorizePath(["prompt": "consent"]))
        XCTAssertTrue(wider.contains("Autoriser"), "prompt=consent asks again")
        XCTAssertTrue(wider.headers.first(name: "Content-Security-Policy")?.contains("form-action 'self' https://www.laclasse.com") ?? false,
                      "browsers hold the consent form to form-action through its redirect to the application")
        let unrelated = try await guichet.browser().get("/compte/connexion")
        XCTAssertTrue(unrelated.headers.first(name: "Content-Security-Policy")?.hasSuffix("form-action 'self'") ?? false)

        let refused = try await code(guichet.browser(), ["prompt": "consent"], consent: false)
        XCTAssertEqual(refused["error"], "access_denied")
    }

    func testBadRequestsAreShownOrReturned() async throws {
        let browser = guichet.browser()
        let wrongURI = try await browser.get(authorizePath(redirectURI: "https://evil.example/callback"))
        XCTAssertEqual(wrongURI.status, .badRequest, "never redirected to an unregistered address")
        XCTAssertNil(wrongURI.location)
        let unknown = try await browser.get(authorizePath(client: "inconnu"))
        XCTAssertEqual(unknown.status, .badRequest)
        let noPKCE = try await browser.get(authorizePath(["code_challenge": "", "code_challenge_method": ""], client: "guichet-mobile",
                                                         redirectURI: "fr.grandlyon.guichet:/callback"))
        let refused = query(try XCTUnwrap(noPKCE.location))
        XCTAssertEqual(refused["error"], "invalid_request")
        XCTAssertEqual(refused["_base"], "fr.grandlyon.guichet:/callback")

        let code = try await issuedCode(browser)
        let (wrongVerifier, _) = try await exchange(code, verifier: String(repeating: "x", count: 50))
        XCTAssertEqual(wrongVerifier, .badRequest)
        let (wrongSecret, body) = try await call("/oidc/token", ["grant_type": "authorization_code", "code": code, "redirect_uri": redirect], basic: ("laclasse", "faux"))
        XCTAssertEqual(wrongSecret, .unauthorized)
        XCTAssertEqual(body["error"] as? String, "invalid_client")
        let (wrongRedirect, _) = try await call("/oidc/token", ["grant_type": "authorization_code", "code": code, "redirect_uri": redirect + "x",
                                                                "code_verifier": verifier], basic: ("laclasse", secret))
        XCTAssertEqual(wrongRedirect, .badRequest)
        let (byMobile, _) = try await call("/oidc/token", ["grant_type": "authorization_code", "code": code, "redirect_uri": redirect,
                                                           "code_verifier": verifier, "client_id": "guichet-mobile"])
        XCTAssertEqual(byMobile, .badRequest, "another application's code")
        let (unsupported, body2) = try await call("/oidc/token", ["grant_type": "password"], basic: ("laclasse", secret))
        XCTAssertEqual(unsupported, .badRequest)
        XCTAssertEqual(body2["error"] as? String, "unsupported_grant_type")
        // Failed attempts used nothing up: the right exchange still works.
        let (ok, _) = try await exchange(code)
        XCTAssertEqual(ok, .ok)
    }

    /// Redemptions are committed in batches: two uses of one code sent at once, maybe in one batch, still give one
    /// set of tokens and one reuse.
    func testACodeRedeemedTwiceAtOnceIsIssuedOnce() async throws {
        let code = try await issuedCode(guichet.browser())
        let store = guichet.store, verifier = self.verifier, redirect = self.redirect
        async let first = store.redeemCode(code, clientID: "laclasse", redirectURI: redirect, verifier: verifier)
        async let second = store.redeemCode(code, clientID: "laclasse", redirectURI: redirect, verifier: verifier)
        let outcomes = try await [first, second]
        XCTAssertEqual(outcomes.filter { if case .issued = $0 { true } else { false } }.count, 1)
        XCTAssertEqual(outcomes.filter { $0 == .reused }.count, 1)
    }

    func testRefreshTokensRotateAndAReuseRevokesTheGrant() async throws {
        let code = try await issuedCode(guichet.browser())
        let (_, first) = try await exchange(code)
        let refresh1 = try XCTUnwrap(first["refresh_token"] as? String)
        let (status, second) = try await call("/oidc/token", ["grant_type": "refresh_token", "refresh_token": refresh1], basic: ("laclasse", secret))
        XCTAssertEqual(status, .ok)
        let refresh2 = try XCTUnwrap(second["refresh_token"] as? String)
        XCTAssertNotEqual(refresh1, refresh2)
        let access2 = try XCTUnwrap(second["access_token"] as? String)
        let (narrowed, narrow) = try await call("/oidc/token", ["grant_type": "refresh_token", "refresh_token": refresh2, "scope": "openid email phone"],
                                                basic: ("laclasse", secret))
        XCTAssertEqual(narrowed, .badRequest, "wider than granted: \(narrow)")

        let (reuse, _) = try await call("/oidc/token", ["grant_type": "refresh_token", "refresh_token": refresh1], basic: ("laclasse", secret))
        XCTAssertEqual(reuse, .badRequest)
        let (revoked, _) = try await call("/oidc/token", ["grant_type": "refresh_token", "refresh_token": refresh2], basic: ("laclasse", secret))
        XCTAssertEqual(revoked, .badRequest, "the thief's reuse revoked the legitimate token too")
        let (userinfo, _) = try await call("/oidc/userinfo", [:], bearer: access2, method: .GET)
        XCTAssertEqual(userinfo, .unauthorized)
    }

    func testRevocationAndIntrospection() async throws {
        let code = try await issuedCode(guichet.browser())
        let (_, tokens) = try await exchange(code)
        let access = try XCTUnwrap(tokens["access_token"] as? String)
        let (_, active) = try await call("/oidc/introspect", ["token": access], basic: ("laclasse", secret))
        XCTAssertEqual(active["active"] as? Bool, true)
        XCTAssertEqual(active["client_id"] as? String, "laclasse")
        let (_, garbage) = try await call("/oidc/introspect", ["token": "pas-un-jeton"], basic: ("laclasse", secret))
        XCTAssertEqual(garbage["active"] as? Bool, false)
        let (byPublic, _) = try await call("/oidc/introspect", ["token": access, "client_id": "guichet-mobile"])
        XCTAssertEqual(byPublic, .unauthorized)

        let (revoked, _) = try await call("/oidc/revoke", ["token": access, "token_type_hint": "access_token"], basic: ("laclasse", secret))
        XCTAssertEqual(revoked, .ok)
        let (_, after) = try await call("/oidc/introspect", ["token": access], basic: ("laclasse", secret))
        XCTAssertEqual(after["active"] as? Bool, false)
        let (_, refresh) = try await call("/oidc/introspect", ["token": tokens["refresh_token"] as? String ?? ""], basic: ("laclasse", secret))
        XCTAssertEqual(refresh["active"] as? Bool, false, "the grant ended with its refresh token")
    }

    func testLogoutEndsTheSessionAndItsGrants() async throws {
        let browser = guichet.browser()
        let code = try await issuedCode(browser)
        let (_, tokens) = try await exchange(code)
        let idToken = try XCTUnwrap(tokens["id_token"] as? String), access = try XCTUnwrap(tokens["access_token"] as? String)

        let elsewhere = try await browser.get("/oidc/logout?post_logout_redirect_uri=https%3A%2F%2Fevil.example%2F&id_token_hint=\(idToken)")
        XCTAssertEqual(elsewhere.status, .badRequest, "an unregistered return address")
        let noHint = try await browser.get("/oidc/logout")
        XCTAssertTrue(noHint.contains("Me déconnecter"), "without this sign-in's token, the person confirms")
        let back = try await browser.get("/oidc/logout?post_logout_redirect_uri=https%3A%2F%2Fwww.laclasse.com%2F&state=fin&id_token_hint=\(idToken)")
        XCTAssertEqual(back.location, "https://www.laclasse.com/?state=fin")
        let account = try await browser.get("/compte")
        XCTAssertEqual(account.status, .seeOther, "signed out")
        let (userinfo, _) = try await call("/oidc/userinfo", [:], bearer: access, method: .GET)
        XCTAssertEqual(userinfo, .unauthorized, "the application's grant ended with the session")
        let notices = try await guichet.store.dueMessages(limit: 100).compactMap { entry -> LogoutNotice? in
            if case .logout(let notice) = entry.message { notice } else { nil }
        }
        let (claims, _) = try await guichet.store.keyRing().verify(idToken)
        XCTAssertEqual(notices, [LogoutNotice(clientID: "laclasse", subject: claims["sub"]?.string ?? "", sessionID: claims["sid"]?.string ?? "",
                                              url: "https://www.laclasse.com/deconnexion")], "told through the outbox, once")
    }

    func testSigningOutOfGuichetOrANewPasswordEndsTheApplicationsGrants() async throws {
        let browser = guichet.browser()
        let (_, first) = try await exchange(try await issuedCode(browser))
        try await browser.get("/compte")
        try await browser.post("/compte/deconnexion", [])
        let (afterSignOut, _) = try await call("/oidc/userinfo", [:], bearer: first["access_token"] as? String ?? "", method: .GET)
        XCTAssertEqual(afterSignOut, .unauthorized)

        let (_, second) = try await exchange(try await issuedCode(guichet.browser()))
        let account = try await XCTUnwrapAsync(try await guichet.store.account(email: "usager@demo.fr"))
        try await guichet.store.setPassword(accountID: account.id, passwordHash: account.passwordHash)
        let (afterReset, _) = try await call("/oidc/token", ["grant_type": "refresh_token", "refresh_token": second["refresh_token"] as? String ?? ""],
                                             basic: ("laclasse", secret))
        XCTAssertEqual(afterReset, .badRequest)
    }

    func testTheCitizenDisconnectsAnApplication() async throws {
        let browser = guichet.browser()
        let code = try await issuedCode(browser)
        let (_, tokens) = try await exchange(code)
        let page = try await browser.get("/compte/applications")
        XCTAssertTrue(page.contains("laclasse.com"))
        XCTAssertTrue(page.contains("votre adresse e-mail"))
        let done = try await browser.post("/compte/applications/laclasse/deconnecter", [])
        XCTAssertEqual(done.location, "/compte/applications")
        let after = try await browser.get("/compte/applications")
        XCTAssertTrue(after.contains("Aucune application"))
        let (userinfo, _) = try await call("/oidc/userinfo", [:], bearer: tokens["access_token"] as? String ?? "", method: .GET)
        XCTAssertEqual(userinfo, .unauthorized)
        let again = try await browser.get(authorizePath())
        XCTAssertTrue(again.contains("Autoriser"), "consent asked again")
    }

    func testTheMobileAppIsAPublicClientWithPKCE() async throws {
        let browser = guichet.browser()
        let mobile = ["client_id": "guichet-mobile", "redirect_uri": "fr.grandlyon.guichet:/callback", "scope": "openid email"]
        let first = try await browser.get(authorizePath(mobile, client: "guichet-mobile", redirectURI: "fr.grandlyon.guichet:/callback"))
        try await browser.get(try XCTUnwrap(first.location))
        try await browser.post("/compte/connexion", [("email", "usager@demo.fr"), ("password", "Guichet-Demo-2026!"), ("retour", "/oidc/reprendre")])
        try await browser.get("/oidc/reprendre")
        let consented = try await browser.post("/oidc/consentement", [("decision", "autoriser")])
        let answer = query(try XCTUnwrap(consented.location))
        let code = try XCTUnwrap(answer["code"])
        let (status, tokens) = try await call("/oidc/token", ["grant_type": "authorization_code", "code": code, "redirect_uri": "fr.grandlyon.guichet:/callback",
                                                              "client_id": "guichet-mobile", "code_verifier": verifier])
        XCTAssertEqual(status, .ok, "\(tokens)")
        XCTAssertEqual(JWSHeader.read(tokens["id_token"] as? String ?? "")?.alg, "ES256")
    }

    func testDiscoveryAndKeys() async throws {
        let (status, document) = try await call("/.well-known/openid-configuration", [:], method: .GET)
        XCTAssertEqual(status, .ok)
        XCTAssertEqual(document["issuer"] as? String, "http://127.0.0.1:8080")
        XCTAssertEqual(document["token_endpoint"] as? String, "http://127.0.0.1:8080/oidc/token")
        XCTAssertEqual(document["code_challenge_methods_supported"] as? [String], ["S256"])
        let (_, jwks) = try await call("/oidc/jwks", [:], method: .GET)
        let keys = try XCTUnwrap(jwks["keys"] as? [[String: Any]])
        XCTAssertEqual(Set(keys.compactMap { $0["alg"] as? String }), ["ES256", "RS256"])
        XCTAssertTrue(keys.allSatisfy { $0["d"] == nil }, "no private part published")
        try await guichet.store.rotateKeys(force: true)
        let (_, rotated) = try await call("/oidc/jwks", [:], method: .GET)
        XCTAssertEqual((rotated["keys"] as? [[String: Any]])?.count, 4, "old keys published through the overlap")
    }

    /// The Métropole's admins register and remove applications in the back-office; a commune's admin cannot.
    func testTheMetropolesAdminsManageApplications() async throws {
        let admin = guichet.browser()
        try await admin.signIn("admin@metropole.demo.fr", password: "Guichet-Demo-2026!")
        let page = try await admin.get("/bo/metropole/applications")
        XCTAssertEqual(page.status, .ok)
        XCTAssertTrue(page.contains("laclasse.com") && page.contains("guichet-mobile"))
        let refused = try await admin.post("/bo/metropole/applications", [("id", "Site Bron"), ("nom", ""), ("kind", "confidential"),
                                                                          ("redirect_uris", "http://www.bron.fr/cb"), ("scopes", "email")])
        XCTAssertEqual(refused.status, .unprocessableEntity)
        XCTAssertTrue(refused.contains("id=\"id-erreur\"") && refused.contains("id=\"nom-erreur\"") && refused.contains("id=\"redirect-erreur\""))
        XCTAssertTrue(refused.contains("http://www.bron.fr/cb"), "what was typed is kept")
        let done = try await admin.post("/bo/metropole/applications", [("id", "site-bron"), ("nom", "Site de Bron"), ("kind", "confidential"),
                                                                       ("redirect_uris", "https://www.bron.fr/cb\nhttps://www.bron.fr/cb2"), ("scopes", "email"),
                                                                       ("alg", "ES256")])
        XCTAssertEqual(done.status, .ok)
        let secret = try XCTUnwrap(done.body.firstMatch(of: /<code>([A-Za-z0-9_-]{43})<\/code>/)?.1)
        let registered = try await XCTUnwrapAsync(try await guichet.store.relyingParty(id: "site-bron"))
        XCTAssertEqual(registered.registration.redirectURIs, ["https://www.bron.fr/cb", "https://www.bron.fr/cb2"])
        XCTAssertEqual(registered.registration.scopes, ["openid", "email"])
        XCTAssertEqual(registered.registration.idTokenAlgorithm, .es256)
        let (status, _) = try await call("/oidc/introspect", ["token": "x"], basic: ("site-bron", String(secret)))
        XCTAssertEqual(status, .ok, "the secret shown is the application's")

        // Bound to a shared service of the convention cadre, chosen from the catalogue.
        _ = try await admin.get("/bo/metropole/applications")
        let unknown = try await admin.post("/bo/metropole/applications", [("id", "ent-bron"), ("nom", "ENT"), ("kind", "confidential"),
                                                                          ("redirect_uris", "https://ent.bron.fr/cb"), ("service", "laclase")])
        XCTAssertEqual(unknown.status, .unprocessableEntity)
        XCTAssertTrue(unknown.contains("Choisissez un service de la convention cadre dans la liste."))
        let nothing = try await guichet.store.relyingParty(id: "ent-bron")
        XCTAssertNil(nothing, "nothing registered")
        let bound = try await admin.post("/bo/metropole/applications", [("id", "ent-bron"), ("nom", "ENT"), ("kind", "confidential"),
                                                                        ("redirect_uris", "https://ent.bron.fr/cb"), ("service", "laclasse")])
        XCTAssertTrue(bound.contains("réservée aux communes adhérant à laclasse.com"), bound.body)
        let service = try await guichet.store.relyingParty(id: "ent-bron")?.registration.service
        XCTAssertEqual(service, "laclasse")

        let commune = guichet.browser()
        try await commune.signIn("admin@caluire-et-cuire.demo.fr", password: "Guichet-Demo-2026!")
        let other = try await commune.get("/bo/caluire-et-cuire/applications")
        XCTAssertEqual(other.status, .forbidden, "the applications are the platform's")
        let nav = try await commune.get("/bo/caluire-et-cuire/agents")
        XCTAssertFalse(nav.contains("/applications\""))

        try await admin.get("/bo/metropole/applications")
        let removed = try await admin.post("/bo/metropole/applications/site-bron/supprimer", [])
        XCTAssertEqual(removed.status, .seeOther)
        let gone = try await guichet.store.relyingParty(id: "site-bron")
        XCTAssertNil(gone)
    }

    /// The mobile app's use of the API with a GrandLyon Connect access token.
    func testTheMobileAppFilesAndListsTheCitizensRequestsWithItsAccessToken() async throws {
        let (_, tokens) = try await exchange(try await issuedCode(guichet.browser()))
        let access = try XCTUnwrap(tokens["access_token"] as? String)
        var bearer = HTTPHeaders()
        bearer.bearerAuthorization = BearerAuthorization(token: access)
        let filed = try await guichet.browser().json(.POST, APITests.path, ["data": APITests.valid], headers: bearer)
        let number = try XCTUnwrap((try JSONSerialization.jsonObject(with: Data(filed.body.utf8)) as? [String: Any])?["number"] as? String, filed.body)
        let mine = try await guichet.browser().get("/api/v1/moi/demandes", headers: bearer)
        XCTAssertEqual(mine.status, .ok)
        XCTAssertTrue(mine.contains(number), "filed with the token, the request is the account's")
        let me = try await guichet.browser().get("/api/v1/moi", headers: bearer)
        XCTAssertTrue(me.contains("usager@demo.fr"))
        let asAgent = try await guichet.browser().get("/api/v1/agent/demandes", headers: bearer)
        XCTAssertEqual(asAgent.status, .unauthorized, "a citizen's access token is no agent's API token")
        var idToken = HTTPHeaders()
        idToken.bearerAuthorization = BearerAuthorization(token: try XCTUnwrap(tokens["id_token"] as? String))
        let withIDToken = try await guichet.browser().get("/api/v1/moi", headers: idToken)
        XCTAssertEqual(withIDToken.status, .unauthorized)
        XCTAssertTrue(withIDToken.headers.contentType?.description.contains("problem+json") ?? false)
    }

    /// laclasse.com bound to its shared service: a citizen who said of no commune, then of a commune without a
    /// convention for it, is refused with a page that says why; no code reaches the application.
    func testAnAgentsSignInSaysItsSecondFactor() async throws {
        let agent = guichet.browser()
        _ = try await agent.signIn("agent@bron.demo.fr", password: "Guichet-Demo-2026!")
        let consent = try await agent.get(authorizePath())
        XCTAssertTrue(consent.contains("Autoriser"), consent.body)
        let answer = try await agent.post("/oidc/consentement", [("decision", "autoriser")])
        let (_, tokens) = try await exchange(try XCTUnwrap(query(try XCTUnwrap(answer.location))["code"]))
        let (id, _) = try await guichet.store.keyRing().verify(try XCTUnwrap(tokens["id_token"] as? String))
        XCTAssertEqual(id["amr"], .strings(["pwd", "otp", "mfa"]))
    }

    func testClosingASessionFromAnotherBrowserSignsItsApplicationsOut() async throws {
        let laptop = guichet.browser()
        let answer = try await code(laptop)
        let (_, tokens) = try await exchange(try XCTUnwrap(answer["code"]))
        let refresh = try XCTUnwrap(tokens["refresh_token"] as? String)
        let account = try await XCTUnwrapAsync(try await guichet.store.account(email: "usager@demo.fr"))
        let laptopSession = try await XCTUnwrapAsync(try await guichet.store.sessions(ofAccount: account.id).first)

        let phone = guichet.browser()
        _ = try await phone.signIn("usager@demo.fr", password: "Guichet-Demo-2026!")
        _ = try await phone.get("/compte/sessions")
        _ = try await phone.post("/compte/sessions/fermer", [("session", laptopSession.handle)])
        let (status, refused) = try await call("/oidc/token", ["grant_type": "refresh_token", "refresh_token": refresh], basic: ("laclasse", secret))
        XCTAssertEqual(status, .badRequest)
        XCTAssertEqual(refused["error"] as? String, "invalid_grant", "the application's sign-in ended with the session")
    }

    func testADeletedAccountIsSignedOutOfItsApplicationsAndLeavesNoGrant() async throws {
        let browser = guichet.browser()
        let (_, tokens) = try await exchange(try await issuedCode(browser))
        let idToken = try XCTUnwrap(tokens["id_token"] as? String), refresh = try XCTUnwrap(tokens["refresh_token"] as? String)
        let account = try await XCTUnwrapAsync(try await guichet.store.account(email: "usager@demo.fr"))
        let before = try await rows("oidc_grants WHERE account_id = '\(account.id)'")
        XCTAssertEqual(before, 1)
        _ = try await browser.get("/compte/supprimer")
        let done = try await browser.post("/compte/supprimer", [("password", "Guichet-Demo-2026!")])
        XCTAssertTrue(done.contains("Votre compte est supprimé"))

        let (status, _) = try await call("/oidc/token", ["grant_type": "refresh_token", "refresh_token": refresh], basic: ("laclasse", secret))
        XCTAssertEqual(status, .badRequest)
        let notices = try await guichet.store.dueMessages(limit: 100).compactMap { entry -> LogoutNotice? in
            if case .logout(let notice) = entry.message { notice } else { nil }
        }
        let (claims, _) = try await guichet.store.keyRing().verify(idToken)
        XCTAssertEqual(notices.map(\.subject), [claims["sub"]?.string ?? ""], "the application is told, once")
        let grants = try await rows("oidc_grants WHERE account_id = '\(account.id)'"), refreshTokens = try await rows("oidc_refresh_tokens")
        XCTAssertEqual(grants, 0, "no grant keeps the account's identifier")
        XCTAssertEqual(refreshTokens, 0)
    }

    private func rows(_ from: String) async throws -> Int? {
        try await guichet.store.sql.raw("SELECT COUNT(*) AS n FROM \(unsafeRaw: from)").first(decodingColumn: "n", as: Int.self)
    }

    func testAnApplicationOfASharedServiceRefusesPeopleOfOtherCommunes() async throws {
        _ = try await guichet.store.registerRelyingParty(RelyingParty(
            id: "laclasse-eleves", name: "laclasse.com", kind: .confidential, redirectURIs: [redirect], scopes: ["openid", "email"], service: "laclasse"))
        let browser = guichet.browser()
        _ = try await browser.signIn("usager@demo.fr", password: "Guichet-Demo-2026!")
        let refused = try await browser.get(authorizePath(["scope": "openid email"], client: "laclasse-eleves"))
        XCTAssertEqual(refused.status, .forbidden)
        XCTAssertTrue(refused.contains("Indiquez votre commune de résidence"))
        XCTAssertNil(refused.location, "nothing goes back to the application")

        let account = try await XCTUnwrapAsync(try await guichet.store.account(email: "usager@demo.fr"))
        _ = try await browser.get("/compte")
        let bad = try await browser.post("/compte/commune", [("commune", "99999")])
        XCTAssertEqual(bad.location, "/compte#commune")
        let unset = try await guichet.store.account(id: account.id)?.commune
        XCTAssertNil(unset, "an unknown commune is not recorded")
        // Bron subscribes to laclasse.com; Lyon stopped it on 1 June 2026.
        try await guichet.store.importConventions([
            "69029": ConventionCadre(commune: "69029", signed: "2025-11-20", start: "2026-01-01",
                                     services: [.init(serviceID: "laclasse", offer: nil, start: "2026-01-01")]),
            "69123": ConventionCadre(commune: "69123", signed: "2025-11-20", start: "2026-01-01",
                                     services: [.init(serviceID: "laclasse", offer: nil, start: "2026-01-01", end: "2026-06-01")]),
        ], in: try await guichet.store.platformScope())
        _ = try await browser.post("/compte/commune", [("commune", "69123")])
        let silent = try await browser.get(authorizePath(["scope": "openid email", "prompt": "none"], client: "laclasse-eleves"))
        XCTAssertTrue(silent.location?.contains("error=access_denied") == true, "prompt=none is told no, without a page: \(silent.location ?? "-")")
        let stopped = try await browser.get(authorizePath(["scope": "openid email"], client: "laclasse-eleves"))
        XCTAssertEqual(stopped.status, .forbidden)
        XCTAssertTrue(stopped.contains("Lyon"), "the page names the commune")
        XCTAssertTrue(stopped.contains("01/06/2026"), "the page says since when: \(stopped.body)")

        _ = try await browser.post("/compte/commune", [("commune", "69029")])
        let through = try await browser.get(authorizePath(["scope": "openid email", "prompt": "none"], client: "laclasse-eleves"))
        XCTAssertTrue(through.location?.contains("error=consent_required") == true, "let through, to the consent it still needs")
        let page = try await browser.get(authorizePath(["scope": "openid email"], client: "laclasse-eleves"))
        XCTAssertTrue(page.contains("Autoriser"))
    }
}
