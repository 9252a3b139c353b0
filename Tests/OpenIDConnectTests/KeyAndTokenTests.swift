import Codecs
import Foundation
import OpenIDConnect
import Testing

@Suite struct KeyAndTokenTests {
    let now = Date(timeIntervalSince1970: 1_800_000_000)
    let issuer = TokenIssuer(issuer: "https://guichet.example.fr")
    let grant = TokenIssuer.Grant(id: "g1", clientID: "laclasse", accountID: "a1", subject: "a1", scopes: ["openid", "email"],
                                  authTime: Date(timeIntervalSince1970: 1_799_999_000), nonce: "n", acr: AuthenticationLevel.local, sessionID: "s")

    @Test func aRotationSignsWithNewKeysAndStillVerifiesTheOld() async throws {
        let first = try KeyRotation.plan([], now: now, force: false) { try SigningKey.generate($0, at: now) }
        #expect(first.new.map(\.algorithm) == [.es256, .rs256])
        let ringBefore = try await KeyRing.make(first.new, now: now)
        let before = try await ringBefore.sign(issuer.accessToken(for: grant, now: now), with: .es256, type: TokenIssuer.accessTokenType)
        let idBefore = try await ringBefore.sign(issuer.idToken(for: grant, accessToken: before, claims: [:], now: now), with: .rs256)

        #expect(try KeyRotation.plan(first.new, now: now, force: false) { try SigningKey.generate($0, at: now) } .new.isEmpty, "nothing missing")
        let later = now.addingTimeInterval(3600)
        let plan = try KeyRotation.plan(first.new, now: later, force: true) { try SigningKey.generate($0, at: later) }
        var keys = first.new
        for retiring in plan.retiring { keys = keys.map { $0.kid == retiring.kid ? SigningKey(kid: $0.kid, algorithm: $0.algorithm, privatePEM: $0.privatePEM, createdAt: $0.createdAt, retiresAt: retiring.at) : $0 } }
        keys += plan.new
        let ring = try await KeyRing.make(keys, now: later)
        #expect(ring.kids.count == 4, "old and new published")
        let (claims, type) = try await ring.verify(before)
        #expect(type == "at+jwt")
        #expect(issuer.checkedAccessToken(claims, type: type, now: now.addingTimeInterval(60))?.grantID == "g1")
        _ = try await ring.verify(idBefore)
        let after = try await ring.sign(issuer.accessToken(for: grant, now: later), with: .es256, type: TokenIssuer.accessTokenType)
        #expect(JWSHeader.read(after)?.kid == plan.new[0].kid)

        let muchLater = later.addingTimeInterval(KeyRotation.defaultOverlap + 1)
        let retired = try await KeyRing.make(keys, now: muchLater)
        #expect(retired.kids.count == 2)
        await #expect(throws: (any Error).self) { try await retired.verify(before) }
        #expect(try KeyRotation.plan(keys, now: muchLater, force: false) { try SigningKey.generate($0, at: muchLater) } .expired.count == 2)
    }

    @Test func foreignAndUnsignedTokensAreRefused() async throws {
        let mine = try await KeyRing.make([try SigningKey.generate(.es256, at: now)], now: now)
        let theirs = try await KeyRing.make([try SigningKey.generate(.es256, at: now)], now: now)
        let foreign = try await theirs.sign(issuer.accessToken(for: grant, now: now), with: .es256, type: TokenIssuer.accessTokenType)
        await #expect(throws: (any Error).self) { try await mine.verify(foreign) }
        let kid = mine.kids[0]
        let header = Base64URL.encode(Data("{\"alg\":\"none\",\"kid\":\"\(kid)\",\"typ\":\"at+jwt\"}".utf8))
        let body = Base64URL.encode(Data("{\"sub\":\"a1\"}".utf8))
        await #expect(throws: (any Error).self) { try await mine.verify("\(header).\(body).") }
        let genuine = try await mine.sign(issuer.accessToken(for: grant, now: now), with: .es256, type: TokenIssuer.accessTokenType)
        let parts = genuine.split(separator: ".")
        let tampered = "\(parts[0]).\(Base64URL.encode(Data("{\"sub\":\"a2\"}".utf8))).\(parts[2])"
        await #expect(throws: (any Error).self) { try await mine.verify(tampered) }
    }

    @Test func accessTokensAreCheckedForIssuerTypeAndExpiry() async throws {
        let claims = issuer.accessToken(for: grant, now: now)
        #expect(issuer.checkedAccessToken(claims, type: "at+jwt", now: now) != nil)
        #expect(issuer.checkedAccessToken(claims, type: "JWT", now: now) == nil, "an ID token is no access token")
        #expect(issuer.checkedAccessToken(claims, type: "at+jwt", now: now.addingTimeInterval(601)) == nil, "expired")
        #expect(TokenIssuer(issuer: "https://other.example").checkedAccessToken(claims, type: "at+jwt", now: now) == nil)
    }

    @Test func theIDTokenCarriesNonceSessionAndAtHash() {
        let token = issuer.idToken(for: grant, accessToken: "abc", claims: ["email": .string("a@b.fr")], now: now)
        #expect(token["nonce"] == .string("n"))
        #expect(token["sid"] == .string("s"))
        #expect(token["aud"] == .string("laclasse"))
        #expect(token["email"] == .string("a@b.fr"))
        // at_hash of "abc": SHA-256 ba7816bf8f01cfea414140de5dae2223…, its left half base64url.
        #expect(token["at_hash"] == .string("ungWv48Bz-pBQUDeXa4iIw"))
        #expect(token["amr"] == nil, "no methods recorded: no amr")
        var withCode = grant
        withCode.methods = ["pwd", "otp", "mfa"]
        #expect(issuer.idToken(for: withCode, accessToken: nil, claims: [:], now: now)["amr"] == .strings(["pwd", "otp", "mfa"]))
    }

    @Test func aRefreshMayNarrowTheScopesNeverWidenThem() {
        #expect(grant.narrowed(to: "email")?.scopes == ["email"])
        #expect(grant.narrowed(to: "email openid")?.scopes == ["openid", "email"], "in the grant's order")
        #expect(grant.narrowed(to: "openid phone") == nil)
    }

    @Test func sealedKeysOpenOnlyWithTheirSecret() throws {
        let pem = try SigningKey.generate(.es256, at: now).privatePEM
        let sealed = try KeySeal(secret: "a-secret-of-thirty-two-characters!").seal(pem)
        #expect(!sealed.contains("PRIVATE"))
        #expect(try KeySeal(secret: "a-secret-of-thirty-two-characters!").open(sealed) == pem)
        #expect(throws: (any Error).self) { try KeySeal(secret: "another-secret-of-thirty-two-chars").open(sealed) }
    }

    @Test func kidsAreThumbprints() throws {
        // RFC 7638 §3.1's example key.
        let jwk = ["kty": "RSA", "e": "AQAB", "n": "0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw"]
        #expect(try JWKSet.thumbprint(jwk) == "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs")
    }

    @Test func pairwiseSubjectsDifferBySectorOnly() {
        let maker = SubjectMaker(serverSecret: Data("secret".utf8))
        var a = RelyingParty(id: "a", name: "A", kind: .confidential, redirectURIs: ["https://a.fr/cb"])
        #expect(maker.subject(accountID: "acc", for: a) == "acc", "public by default")
        a.sector = "laclasse.com"
        var b = a; b.id = "b"
        var c = a; c.sector = "other.fr"
        #expect(maker.subject(accountID: "acc", for: a) == maker.subject(accountID: "acc", for: b))
        #expect(maker.subject(accountID: "acc", for: a) != maker.subject(accountID: "acc", for: c))
        #expect(maker.subject(accountID: "acc", for: a) != maker.subject(accountID: "acc2", for: a))
        #expect(SubjectMaker(serverSecret: Data("other".utf8)).subject(accountID: "acc", for: a) != maker.subject(accountID: "acc", for: a))
    }

    @Test func claimsFollowScopesAndOnlyWhatIsHeld() {
        let person = Person(accountID: "a1", email: "c@d.fr", emailVerified: true, name: "Camille Durand", updatedAt: now)
        let basic = Scope.claims(of: person, subject: "s", scopes: ["openid", "email", "phone", "identite_pivot"])
        #expect(basic["email"] == .string("c@d.fr"))
        #expect(basic["phone_number"] == nil, "no phone held")
        #expect(basic["birthdate"] == nil, "no FranceConnect identity")
        #expect(basic["identity_level"] == .string("local"))
        #expect(basic["name"] == nil, "profile not asked")
        var verified = person
        verified.pivot = PivotIdentity(givenName: "Angela Claire Louise", familyName: "DUBOIS", birthdate: "1962-08-24", gender: "female",
                                       birthplace: "75107", birthcountry: "99100")
        let full = Scope.claims(of: verified, subject: "s", scopes: ["openid", "profile", "identite_pivot"])
        #expect(full["birthplace"] == .string("75107"))
        #expect(full["name"] == .string("Angela Claire Louise DUBOIS"))
        #expect(full["identity_level"] == .string("franceconnect"))
    }

    @Test func pivotIdentitiesMatchOnAllSixFields() {
        let pivot = PivotIdentity(givenName: "Angela Claire Louise", familyName: "DUBOIS", birthdate: "1962-08-24", gender: "female",
                                  birthplace: "75107", birthcountry: "99100")
        var typed = pivot; typed.givenName = "angéla claire-louise"; typed.familyName = "Dubois"
        #expect(pivot.sameSixFields(as: typed))
        for change in [\PivotIdentity.birthdate, \.gender, \.birthplace, \.birthcountry] {
            var other = pivot; other[keyPath: change] = "x"
            #expect(!pivot.sameSixFields(as: other))
        }
    }
}
