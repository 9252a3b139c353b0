import Foundation
import OpenIDConnect
import Testing

@Suite struct AuthorizationRequestTests {
    let app = RelyingParty(id: "laclasse", name: "laclasse.com", kind: .confidential, redirectURIs: ["https://www.laclasse.com/callback"],
                           scopes: ["openid", "profile", "email"])
    let mobile = RelyingParty(id: "guichet-mobile", name: "Guichet mobile", kind: .public, redirectURIs: ["fr.grandlyon.guichet:/callback"])
    let challenge = PKCE.challengeOf(String(repeating: "v", count: 50))

    func params(_ extra: [String: String] = [:]) -> [String: String] {
        ["response_type": "code", "client_id": "laclasse", "redirect_uri": "https://www.laclasse.com/callback", "scope": "openid email",
         "state": "s1"].merging(extra) { $1 }
    }

    @Test func anUnknownApplicationOrReturnAddressIsShownNotRedirected() {
        guard case .failure(.shown) = AuthorizationRequest.parse(params(), client: nil) else { Issue.record("unknown client"); return }
        for uri in ["https://www.laclasse.com/callback/", "https://www.laclasse.com/callback?x=1", "https://evil.example/callback", ""] {
            guard case .failure(.shown) = AuthorizationRequest.parse(params(["redirect_uri": uri]), client: app) else {
                Issue.record("\(uri) must not be redirected to"); continue
            }
        }
    }

    @Test func otherProblemsGoBackToTheApplicationWithItsState() {
        let cases: [([String: String], String)] = [
            (["response_type": "token"], "unsupported_response_type"),
            (["scope": "email"], "invalid_scope"),
            (["code_challenge": challenge, "code_challenge_method": "plain"], "invalid_request"),
            (["code_challenge": "short", "code_challenge_method": "S256"], "invalid_request"),
            (["prompt": "none login"], "invalid_request"),
            (["prompt": "sometimes"], "invalid_request"),
            (["max_age": "-1"], "invalid_request"),
            (["max_age": "99999999999999999999"], "invalid_request"),
            (["request": "eyJ..."], "request_not_supported"),
            (["nonce": String(repeating: "n", count: 600)], "invalid_request"),
        ]
        for (extra, code) in cases {
            guard case .failure(.returned(let error, let uri, let state)) = AuthorizationRequest.parse(params(extra), client: app) else {
                Issue.record("\(extra) should fail"); continue
            }
            #expect(error.code == code, "\(extra)")
            #expect(uri == "https://www.laclasse.com/callback")
            #expect(state == "s1")
        }
    }

    @Test func aPublicClientMustUsePKCE() throws {
        let base = ["response_type": "code", "client_id": mobile.id, "redirect_uri": "fr.grandlyon.guichet:/callback", "scope": "openid"]
        guard case .failure(.returned(let error, _, _)) = AuthorizationRequest.parse(base, client: mobile) else { Issue.record("no PKCE"); return }
        #expect(error.code == "invalid_request")
        let request = try AuthorizationRequest.parse(base.merging(["code_challenge": challenge, "code_challenge_method": "S256"]) { $1 }, client: mobile).get()
        #expect(request.codeChallenge == challenge)
    }

    @Test func scopesAreThoseAskedThatTheApplicationMayHave() throws {
        let request = try AuthorizationRequest.parse(params(["scope": "openid phone email email profile"]), client: app).get()
        #expect(request.scopes == ["openid", "email", "profile"])
    }

    @Test func theStepDependsOnSessionAgeConsentAndPrompt() throws {
        let now = Date(timeIntervalSince1970: 1_800_000_000), started = now.addingTimeInterval(-5)
        func step(_ extra: [String: String], authTime: Date?, consented: Set<String> = ["email"]) throws -> AuthorizationStep {
            AuthorizationStep.next(try AuthorizationRequest.parse(params(extra), client: app).get(), authTime: authTime, startedAt: started,
                                   consented: consented, now: now)
        }
        #expect(try step([:], authTime: nil) == .signIn)
        #expect(try step(["prompt": "none"], authTime: nil) == .fail(.loginRequired))
        #expect(try step([:], authTime: now.addingTimeInterval(-3600)) == .issue)
        #expect(try step([:], authTime: now.addingTimeInterval(-3600), consented: []) == .consent)
        #expect(try step(["prompt": "none"], authTime: now.addingTimeInterval(-3600), consented: []) == .fail(.consentRequired))
        #expect(try step(["prompt": "consent"], authTime: now.addingTimeInterval(-3600)) == .consent)
        #expect(try step(["max_age": "600"], authTime: now.addingTimeInterval(-3600)) == .signIn, "signed in too long ago")
        #expect(try step(["max_age": "600", "prompt": "none"], authTime: now.addingTimeInterval(-3600)) == .fail(.loginRequired))
        #expect(try step(["max_age": "600"], authTime: now.addingTimeInterval(-60)) == .issue)
        #expect(try step(["prompt": "login"], authTime: now.addingTimeInterval(-60)) == .signIn, "signed in before the request")
        #expect(try step(["prompt": "login"], authTime: now.addingTimeInterval(-1)) == .issue, "signed in during the request")
    }

    @Test func theStepsWhereThePersonIsKnownAreThoseASharedServiceDecides() {
        #expect(AuthorizationStep.consent.reachesThePerson && AuthorizationStep.issue.reachesThePerson)
        #expect(AuthorizationStep.fail(.consentRequired).reachesThePerson, "a silent request of a signed-in person")
        #expect(!AuthorizationStep.signIn.reachesThePerson && !AuthorizationStep.fail(.loginRequired).reachesThePerson)
    }

    @Test func acrValuesArePassedThroughWhenReached() throws {
        let asked = try AuthorizationRequest.parse(params(["acr_values": "eidas1 urn:grandlyon:connect:local"]), client: app).get()
        #expect(asked.acr(identityLevel: "franceconnect") == "eidas1")
        #expect(asked.acr(identityLevel: "local") == AuthenticationLevel.local)
        let other = try AuthorizationRequest.parse(params(["acr_values": "eidas3"]), client: app).get()
        #expect(other.acr(identityLevel: "franceconnect") == "eidas1")
    }

    @Test func pkceVerifiesOnlyTheRightVerifier() {
        let verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"
        // RFC 7636, appendix B.
        #expect(PKCE.challengeOf(verifier) == "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM")
        #expect(PKCE.verifies(verifier, challenge: "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"))
        #expect(!PKCE.verifies(verifier + "x", challenge: "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"))
        #expect(!PKCE.verifies("short", challenge: PKCE.challengeOf("short")), "a verifier under 43 characters")
    }
}

@Suite struct RelyingPartyTests {
    @Test func registrationsAreChecked() {
        let good = RelyingParty(id: "laclasse", name: "laclasse.com", kind: .confidential, redirectURIs: ["https://www.laclasse.com/cb", "http://127.0.0.1:9000/cb"])
        #expect(good.problems().isEmpty)
        var bad = good
        bad.redirectURIs = ["http://www.laclasse.com/cb"]
        #expect(bad.problems()["redirect_uris"] != nil, "plain http to another machine")
        bad.redirectURIs = ["https://www.laclasse.com/cb#frag"]
        #expect(bad.problems()["redirect_uris"] != nil)
        bad.redirectURIs = ["javascript:alert(1)"]
        #expect(bad.problems()["redirect_uris"] != nil)
        bad = good; bad.scopes = ["profile"]
        #expect(bad.problems()["scopes"] != nil)
        bad = good; bad.id = "Bad Id"
        #expect(bad.problems()["id"] != nil)
    }

    @Test func credentialsAreReadOneWayOnly() throws {
        let basic = "Basic " + Data("laclasse:s%3Acret".utf8).base64EncodedString()
        let read = try ClientCredentials.read(authorization: basic, form: [:]).get()
        #expect(read == ClientCredentials(clientID: "laclasse", secret: "s:cret", method: .basic))
        // Form-encoded parts (RFC 6749 §2.3.1): "+" is a space, "%2B" a plus.
        let plus = "Basic " + Data("app:a%2Bb+c".utf8).base64EncodedString()
        #expect(try ClientCredentials.read(authorization: plus, form: [:]).get().secret == "a+b c")
        #expect(throws: OAuthError.self) { try ClientCredentials.read(authorization: basic, form: ["client_secret": "x"]).get() }
        #expect(throws: OAuthError.self) { try ClientCredentials.read(authorization: nil, form: [:]).get() }
        #expect(try ClientCredentials.read(authorization: nil, form: ["client_id": "m"]).get().method == .none)
        let app = RelyingParty(id: "laclasse", name: "x", kind: .confidential, redirectURIs: ["https://a.fr/cb"])
        #expect(read.authenticate(app, secretHash: "h:s:cret", hash: { "h:" + $0 }))
        #expect(!read.authenticate(app, secretHash: "h:other", hash: { "h:" + $0 }))
        #expect(!ClientCredentials(clientID: "laclasse", secret: nil, method: .none).authenticate(app, secretHash: "h:s:cret", hash: { "h:" + $0 }))
    }
}
