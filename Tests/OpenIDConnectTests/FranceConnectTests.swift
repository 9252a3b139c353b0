import Codecs
import Foundation
import OpenIDConnect
import Testing

@Suite struct FranceConnectTests {
    let settings = try! FranceConnectSettings(base: "https://fc.example/api/v2/", clientID: "guichet-fs", clientSecret: "s3cret")
    let now = Date(timeIntervalSince1970: 1_800_000_000)
    let angela = PivotIdentity(givenName: "Angela Claire Louise", familyName: "DUBOIS", birthdate: "1962-08-24", gender: "female",
                               birthplace: "75107", birthcountry: "99100")

    // MARK: settings and the trip there

    @Test func settingsNameThePlatformsAndRefuseWhatIsNotABase() throws {
        #expect(try FranceConnectSettings(base: "integration", clientID: "a", clientSecret: "b").issuer == FranceConnectSettings.integration)
        #expect(try FranceConnectSettings(base: "production", clientID: "a", clientSecret: "b").tokenEndpoint
            == "https://oidc.franceconnect.gouv.fr/api/v2/token")
        #expect(settings.issuer == "https://fc.example/api/v2")
        #expect(settings.endSessionEndpoint == "https://fc.example/api/v2/session/end")
        for base in ["ftp://fc.example", "https://fc.example/api?x=1", "fc.example/api/v2", "https://user@fc.example/api/v2", ""] {
            #expect(throws: FranceConnectSettings.Invalid.self) { try FranceConnectSettings(base: base, clientID: "a", clientSecret: "b") }
        }
        #expect(throws: FranceConnectSettings.Invalid.credentials) { try FranceConnectSettings(base: "integration", clientID: "", clientSecret: "b") }
        #expect(throws: FranceConnectSettings.Invalid.credentials) { try FranceConnectSettings(base: "integration", clientID: "a", clientSecret: "b\nc") }
    }

    @Test func theAuthorizationRequestAsksEidas1WithLongRandomStateAndNonce() throws {
        let one = FederationAttempt.begin(purpose: .signIn, returnTo: "/compte", now: now)
        let two = FederationAttempt.begin(purpose: .signIn, returnTo: "/compte", now: now)
        #expect(one.state.count >= 32 && one.nonce.count >= 32)
        #expect(one.state != two.state && one.nonce != one.state && one.nonce != two.nonce)
        let url = try #require(URLComponents(string: one.authorizationURL(settings, redirectURI: "https://guichet.example/franceconnect/retour")))
        let query = Dictionary(uniqueKeysWithValues: (url.queryItems ?? []).map { ($0.name, $0.value ?? "") })
        #expect(url.host == "fc.example" && url.path == "/api/v2/authorize")
        #expect(query["acr_values"] == "eidas1" && query["response_type"] == "code" && query["client_id"] == "guichet-fs")
        #expect(query["redirect_uri"] == "https://guichet.example/franceconnect/retour")
        #expect(query["state"] == one.state && query["nonce"] == one.nonce)
        #expect(Set((query["scope"] ?? "").split(separator: " ")).isSuperset(of: ["openid", "given_name", "family_name", "birthdate", "gender", "birthplace", "birthcountry", "email"]))
    }

    @Test func theCallbackMustCarryTheStateTheIssuerAndACode() {
        let attempt = FederationAttempt.begin(purpose: .signIn, returnTo: "/", now: now)
        let good = ["state": attempt.state, "code": "abc", "iss": settings.issuer]
        #expect(attempt.code(fromCallback: good, settings: settings, now: now) == .success("abc"))
        // One character changed (to another one: the random state may begin with either).
        let other = (attempt.state.hasPrefix("x") ? "y" : "x") + attempt.state.dropFirst()
        #expect(attempt.code(fromCallback: good.merging(["state": other]) { $1 }, settings: settings, now: now) == .failure(.stateMismatch))
        #expect(attempt.code(fromCallback: good.merging(["iss": "https://evil.example/api/v2"]) { $1 }, settings: settings, now: now) == .failure(.issuerMismatch))
        #expect(attempt.code(fromCallback: good.filter { $0.key != "iss" }, settings: settings, now: now) == .failure(.issuerMismatch))
        #expect(attempt.code(fromCallback: good.filter { $0.key != "code" }, settings: settings, now: now) == .failure(.missingCode))
        #expect(attempt.code(fromCallback: ["state": attempt.state, "error": "access_denied"], settings: settings, now: now) == .failure(.cancelled))
        #expect(attempt.code(fromCallback: good, settings: settings, now: now.addingTimeInterval(FederationAttempt.lifetime + 1)) == .failure(.expired))
        // A foreign state is refused before its error is believed.
        #expect(attempt.code(fromCallback: ["state": "other", "error": "access_denied"], settings: settings, now: now) == .failure(.stateMismatch))
    }

    @Test func theEndOfSessionCarriesTheHintStateAndReturnAddress() throws {
        let url = try #require(URLComponents(string: settings.endSessionURL(idTokenHint: "a.b.c", state: "st&=", postLogoutRedirectURI: "https://g.example/x?y")))
        let query = Dictionary(uniqueKeysWithValues: (url.queryItems ?? []).map { ($0.name, $0.value ?? "") })
        #expect(url.path == "/api/v2/session/end")
        #expect(query == ["id_token_hint": "a.b.c", "state": "st&=", "post_logout_redirect_uri": "https://g.example/x?y"])
    }

    // MARK: tokens

    func idClaims(nonce: String, _ changes: [String: ClaimValue] = [:]) -> ClaimSet {
        let t = Int64(now.timeIntervalSince1970)
        return ClaimSet(["iss": .string(settings.issuer), "aud": .string("guichet-fs"), "sub": .string("fc-sub-1"), "exp": .int(t + 60),
                         "iat": .int(t), "nonce": .string(nonce), "acr": .string("eidas1")].merging(changes) { $1 })
    }

    @Test func theIDTokenIsCheckedClaimByClaim() {
        let checks = FederationChecks(settings: settings)
        let nonce = "n-" + String(repeating: "x", count: 40)
        #expect(checks.subject(ofIDToken: idClaims(nonce: nonce), nonce: nonce, now: now) == .success("fc-sub-1"))
        let t = Int64(now.timeIntervalSince1970)
        let broken: [([String: ClaimValue], String)] = [
            (["iss": .string("https://fc.example/api/v1")], "iss"), (["aud": .string("someone-else")], "aud"),
            (["aud": .strings(["guichet-fs", "other"])], "azp"), (["exp": .int(t - 120)], "exp"), (["iat": .int(t + 3600)], "iat"),
            (["nonce": .string("replayed")], "nonce"), (["acr": .string("eidas0")], "acr"), (["sub": .string("")], "sub"),
        ]
        for (change, why) in broken {
            #expect(checks.subject(ofIDToken: idClaims(nonce: nonce, change), nonce: nonce, now: now) == .failure(.invalidIDToken(why)))
        }
        #expect(checks.subject(ofIDToken: idClaims(nonce: nonce, ["aud": .strings(["guichet-fs", "other"]), "azp": .string("guichet-fs")]),
                               nonce: nonce, now: now) == .success("fc-sub-1"))
    }

    func userinfo(_ changes: [String: ClaimValue] = [:]) -> ClaimSet {
        ClaimSet(["sub": .string("fc-sub-1"), "given_name": .string("Angela Claire Louise"), "family_name": .string("DUBOIS"),
                  "birthdate": .string("1962-08-24"), "gender": .string("female"), "birthplace": .string("75107"),
                  "birthcountry": .string("99100"), "email": .string("Angela.Dubois@Example.fr"), "preferred_username": .string("")]
            .merging(changes) { $1 })
    }

    @Test func theUserinfoGivesTheIdentityOfTheTokensSubjectOnly() throws {
        let checks = FederationChecks(settings: settings)
        let identity = try checks.identity(ofUserInfo: userinfo(), subject: "fc-sub-1", idToken: "id").get()
        #expect(identity.pivot == angela && identity.email == "angela.dubois@example.fr")
        #expect(identity.displayName == "Angela DUBOIS")
        #expect(try checks.identity(ofUserInfo: userinfo(["preferred_username": .string("MARTIN")]), subject: "fc-sub-1", idToken: "id").get().displayName
            == "Angela MARTIN")
        #expect(checks.identity(ofUserInfo: userinfo(), subject: "fc-sub-2", idToken: "id") == .failure(.invalidUserInfo("sub")))
        #expect(checks.identity(ofUserInfo: userinfo(["aud": .string("x")]), subject: "fc-sub-1", idToken: "id") == .failure(.invalidUserInfo("aud")))
        for change: [String: ClaimValue] in [["birthdate": .string("24/08/1962")], ["gender": .string("f")], ["birthplace": .string("")],
                                             ["birthcountry": .string("France")], ["family_name": .string(" ")]] {
            #expect(checks.identity(ofUserInfo: userinfo(change), subject: "fc-sub-1", idToken: "id") == .failure(.incompleteIdentity))
        }
        // Born abroad: no commune.
        let abroad = try checks.identity(ofUserInfo: userinfo(["birthplace": .string(""), "birthcountry": .string("99134")]), subject: "fc-sub-1", idToken: "id").get()
        #expect(abroad.pivot.birthplace == "" && abroad.pivot.birthcountry == "99134")
        // Corsica.
        #expect((try? checks.identity(ofUserInfo: userinfo(["birthplace": .string("2A004")]), subject: "fc-sub-1", idToken: "id").get()) != nil)
    }

    // MARK: keys

    @Test func signaturesAreVerifiedAndAnUnknownKeyRefetchesOnce() async throws {
        let old = try SigningKey.generate(.es256, at: now), new = try SigningKey.generate(.rs256, at: now)
        let oldRing = try await KeyRing.make([old], now: now), newRing = try await KeyRing.make([new], now: now)
        let token = try await newRing.sign(ClaimSet(["sub": .string("x")]), with: .rs256)
        let known = try await FederationKeys.read(oldRing.jwks)
        #expect(known.kids == [old.kid])
        await #expect(throws: FederationKeys.Failure.unknownKey) { try await known.verify(token) }

        let fetches = Counter()
        let (claims, kept) = try await FederationKeys.verify(token, with: known) { await fetches.add(); return newRing.jwks }
        #expect(claims["sub"] == .string("x") && kept.kids == [new.kid])
        #expect(await fetches.count == 1)
        // Known now: no fetch.
        _ = try await FederationKeys.verify(token, with: kept) { await fetches.add(); return newRing.jwks }
        #expect(await fetches.count == 1)
        // A key nobody publishes: one fetch, then refused.
        await #expect(throws: FederationKeys.Failure.unknownKey) {
            _ = try await FederationKeys.verify(token, with: known) { await fetches.add(); return oldRing.jwks }
        }
        #expect(await fetches.count == 2)
    }

    @Test func forgedTokensAreRefused() async throws {
        let key = try SigningKey.generate(.es256, at: now)
        let ring = try await KeyRing.make([key], now: now)
        let keys = try await FederationKeys.read(ring.jwks)
        let token = try await ring.sign(ClaimSet(["sub": .string("x")]), with: .es256)
        let parts = token.split(separator: ".").map(String.init)
        func header(_ json: String) -> String { Base64URL.encode(Data(json.utf8)) }
        let forgedPayload = Base64URL.encode(Data(#"{"sub":"admin"}"#.utf8))
        await #expect(throws: FederationKeys.Failure.badSignature) { try await keys.verify([parts[0], forgedPayload, parts[2]].joined(separator: ".")) }
        await #expect(throws: FederationKeys.Failure.refusedAlgorithm) {
            try await keys.verify([header(#"{"alg":"none","kid":"\#(key.kid)"}"#), parts[1], ""].joined(separator: "."))
        }
        await #expect(throws: FederationKeys.Failure.refusedAlgorithm) {
            try await keys.verify([header(#"{"alg":"HS256","kid":"\#(key.kid)"}"#), parts[1], parts[2]].joined(separator: "."))
        }
        await #expect(throws: FederationKeys.Failure.unreadableJWKS) { try await FederationKeys.read(Data(#"{"keys":[{"kty":"oct","k":"c2VjcmV0","kid":"h"}]}"#.utf8)) }
        await #expect(throws: FederationKeys.Failure.unreadableJWKS) { try await FederationKeys.read(Data("not json".utf8)) }
    }

    // MARK: linking

    @Test func linkingFollowsTheStatesRules() {
        typealias S = AccountLinking.Situation
        #expect(AccountLinking.decide(S(linkedAccount: "a"), purpose: .signIn) == .signIn(account: "a"))
        #expect(AccountLinking.decide(S(linkedAccount: "a", currentAccount: "a"), purpose: .link) == .signIn(account: "a"))
        guard case .refused = AccountLinking.decide(S(linkedAccount: "a", currentAccount: "b"), purpose: .link) else { Issue.record("linked elsewhere"); return }
        #expect(AccountLinking.decide(S(currentAccount: "b"), purpose: .link) == .link(account: "b"))
        guard case .refused = AccountLinking.decide(S(currentAccount: "b", currentAccountLinkedElsewhere: true), purpose: .link) else {
            Issue.record("current linked to another identity"); return
        }
        // Six fields: linked without asking, even when another account has the e-mail address.
        #expect(AccountLinking.decide(S(pivotMatches: ["c"], emailAccount: "d"), purpose: .signIn) == .link(account: "c"))
        // The e-mail alone never links.
        #expect(AccountLinking.decide(S(emailAccount: "d"), purpose: .signIn) == .provePassword(emailAccount: "d"))
        #expect(AccountLinking.decide(S(pivotMatches: ["c", "e"]), purpose: .signIn) == .provePassword(emailAccount: nil))
        #expect(AccountLinking.decide(S(), purpose: .signIn) == .create)
    }

    @Test func sixFieldsMatchAcrossCaseAndAccentsButNotAcrossDates() {
        let typed = PivotIdentity(givenName: "angela claire-louise", familyName: "Dubois", birthdate: "1962-08-24", gender: "female",
                                  birthplace: "75107", birthcountry: "99100")
        #expect(typed.sameSixFields(as: angela) && typed.matchKey == angela.matchKey)
        var other = angela
        other.birthdate = "1962-08-25"
        #expect(!other.sameSixFields(as: angela) && other.matchKey != angela.matchKey)
    }

    @Test func aDeclaredIdentityIsCheckedFieldByField() throws {
        let ok = try PivotIdentity.declared(givenName: " Angela Claire Louise", familyName: "DUBOIS", birthdate: "1962-08-24", gender: "female",
                                            birthplace: "75107", birthcountry: "99100").get()
        #expect(ok == angela)
        guard case .failure(let errors) = PivotIdentity.declared(givenName: "", familyName: "", birthdate: "24/08/1962", gender: "x",
                                                                 birthplace: "", birthcountry: "99100") else { Issue.record("must fail"); return }
        #expect(Set(errors.fields.keys) == ["given_name", "family_name", "birthdate", "gender", "birthplace"])
        guard case .failure(let abroad) = PivotIdentity.declared(givenName: "A", familyName: "B", birthdate: "1990-01-01", gender: "male",
                                                                 birthplace: "69123", birthcountry: "99134") else { Issue.record("must fail"); return }
        #expect(Set(abroad.fields.keys) == ["birthplace"])
    }
}

actor Counter {
    var count = 0
    func add() { count += 1 }
}
