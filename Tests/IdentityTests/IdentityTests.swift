import Foundation
import Identity
import Synchronization
import XCTest

final class IdentityTests: XCTestCase {
    func testOnlyTokensShapedLikeOursAreTakenForOne() {
        for _ in 0..<100 { XCTAssertTrue(Secret.isToken(Secret.token())) }
        let token = Secret.token()
        XCTAssertFalse(Secret.isToken(String(token.dropLast())), "one character short")
        XCTAssertFalse(Secret.isToken(String(token.dropLast()) + "/"), "not URL-safe")
        XCTAssertFalse(Secret.isToken(String(token.dropLast()) + "é"))
        XCTAssertFalse(Secret.isToken(""))
    }

    func testFormTokensAreTheBrowsersOwn() {
        let tokens = FormTokens(serverSecret: Data("s".utf8)), other = FormTokens(serverSecret: Data("t".utf8))
        let nonce = Secret.token()
        XCTAssertTrue(tokens.matches(tokens.token(for: nonce), nonce: nonce))
        XCTAssertFalse(tokens.matches(tokens.token(for: Secret.token()), nonce: nonce), "another browser's")
        XCTAssertFalse(tokens.matches(other.token(for: nonce), nonce: nonce), "made without the server's key")
        XCTAssertFalse(tokens.matches("", nonce: nonce))
    }

    func testHashesMadeWithLessWorkAreRedone() {
        let check = PasswordCheck(timingHash: "$2b$12$" + String(repeating: "a", count: 53)) { _, _ in true }
        XCTAssertTrue(check.needsRehash("$2b$10$" + String(repeating: "b", count: 53)))
        XCTAssertFalse(check.needsRehash("$2b$12$" + String(repeating: "b", count: 53)))
        XCTAssertFalse(check.needsRehash("$2b$13$" + String(repeating: "b", count: 53)))
        XCTAssertFalse(check.needsRehash(""), "an invited agent without a password")
        XCTAssertFalse(check.needsRehash("not-a-bcrypt-hash"))
    }

    func testPasswordPolicy() {
        XCTAssertEqual(PasswordPolicy.problem(with: "Court1!", email: "a@b.fr"),
                       "Le mot de passe doit compter au moins 12 caractères mêlant minuscules, majuscules, chiffres et symboles (ou 14 avec trois de ces types, ou être une phrase d'au moins 7 mots).")
        XCTAssertNotNil(PasswordPolicy.problem(with: "toutenminuscules", email: "a@b.fr"))
        XCTAssertNil(PasswordPolicy.problem(with: "Guichet-Demo-2026!", email: "a@b.fr"))
        // CNIL 2022-100: four kinds on 12 characters, three on 14, or a passphrase of 7 words.
        XCTAssertNil(PasswordPolicy.problem(with: "Lyon-Rhone-26", email: "a@b.fr"), "four kinds, 13 characters")
        XCTAssertNotNil(PasswordPolicy.problem(with: "LyonRhone2026", email: "a@b.fr"), "three kinds need 14 characters")
        XCTAssertNil(PasswordPolicy.problem(with: "LyonRhone20266", email: "a@b.fr"), "three kinds, 14 characters")
        XCTAssertNotNil(PasswordPolicy.problem(with: "le chat dort sur le canape", email: "a@b.fr"), "six words")
        XCTAssertNil(PasswordPolicy.problem(with: "le chat gris dort sur le vieux canape", email: "a@b.fr"), "a passphrase")
        XCTAssertEqual(PasswordPolicy.problem(with: "Camille.Durand-2026", email: "camille.durand@exemple.fr"),
                       "Le mot de passe ne doit pas contenir votre adresse e-mail.")
    }

    func testTrackingCodesAreReadableAndCompareLoosely() {
        let code = Secret.trackingCode()
        XCTAssertNotNil(code.wholeMatch(of: /[A-HJ-NP-Z2-9]{4}-[A-HJ-NP-Z2-9]{4}/), code)
        XCTAssertEqual(Secret.normaliseTrackingCode(code.lowercased().replacingOccurrences(of: "-", with: " ")),
                       Secret.normaliseTrackingCode(code))
        XCTAssertNotEqual(Secret.trackingCode(), Secret.trackingCode())
    }

    func testTokensAreLongAndStoredAsHashes() {
        let token = Secret.token()
        XCTAssertEqual(token.count, 43)
        XCTAssertFalse(token.contains("+") || token.contains("/") || token.contains("="))
        XCTAssertEqual(Secret.hash(token), Secret.hash(token))
        XCTAssertEqual(Secret.hash(token).count, 64)
        XCTAssertNotEqual(Secret.hash(token), Secret.hash(Secret.token()))
        // FIPS 180-2's test vector: hashes already stored must keep matching.
        XCTAssertEqual(Secret.hash("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    }

    /// Tracking codes are keyed with the server's secret: a leaked table cannot be searched offline through the
    /// few billion possible codes without the key. Codes stored before (plain SHA-256) still open their request.
    func testTrackingCodesAreKeyedWithTheServersSecret() {
        let codes = TrackingCodeHash(serverSecret: Data("secret-du-serveur-de-32-caracteres!".utf8))
        let stored = codes.hash("K7QM-2XPA")
        XCTAssertTrue(stored.hasPrefix("h1:"))
        XCTAssertNotEqual(stored, "h1:" + Secret.hash("K7QM2XPA"), "not the unkeyed hash")
        XCTAssertTrue(codes.matches("k7qm 2xpa", stored: stored), "as the person typed it")
        XCTAssertFalse(codes.matches("K7QM-2XPB", stored: stored))
        let otherServer = TrackingCodeHash(serverSecret: Data("un-autre-secret-de-32-caracteres!!".utf8))
        XCTAssertFalse(otherServer.matches("K7QM-2XPA", stored: stored), "another key does not verify it")
        XCTAssertTrue(codes.matches("K7QM-2XPA", stored: Secret.hash("K7QM2XPA")), "a code stored before keying still works")
    }

    func testAnAccountIsLockedAfterItsFailuresAndAnAddressAfterItsOwn() async {
        let throttle = AttemptThrottle(limits: .init(perSubject: 3, perClient: 5, window: 900))
        let t0 = Date(timeIntervalSince1970: 1_000_000)
        for i in 0..<3 {
            let attempt = await throttle.begin(subject: "a", client: "1", now: t0.addingTimeInterval(Double(i)))
            XCTAssertNotNil(attempt)
        }
        let locked = await throttle.begin(subject: "a", client: "2", now: t0.addingTimeInterval(10))
        XCTAssertNil(locked, "the account is locked, from any address")
        let otherAccount = await throttle.begin(subject: "b", client: "1", now: t0.addingTimeInterval(10))
        XCTAssertNotNil(otherAccount, "one account's failures do not lock the others behind the same address")
        for i in 0..<2 { _ = await throttle.begin(subject: "c\(i)", client: "1", now: t0.addingTimeInterval(11)) }
        let addressFull = await throttle.begin(subject: "d", client: "1", now: t0.addingTimeInterval(12))
        XCTAssertNil(addressFull, "five attempts from one address, whatever the accounts")
        let later = await throttle.begin(subject: "a", client: "3", now: t0.addingTimeInterval(901))
        XCTAssertNotNil(later, "the window slides")
    }

    func testASuccessTakesItsAttemptBack() async throws {
        let throttle = AttemptThrottle(limits: .init(perSubject: 2, perClient: 2, window: 900))
        let t0 = Date(timeIntervalSince1970: 1_000_000)
        _ = await throttle.begin(subject: "a", client: "1", now: t0)
        let second = await throttle.begin(subject: "a", client: "1", now: t0.addingTimeInterval(1))
        let good = try XCTUnwrap(second)
        await throttle.succeeded(good)
        let again = await throttle.begin(subject: "a", client: "1", now: t0.addingTimeInterval(2))
        XCTAssertNotNil(again, "the account starts afresh and the address holds one failure only")
        let full = await throttle.begin(subject: "b", client: "1", now: t0.addingTimeInterval(3))
        XCTAssertNil(full)
    }

    /// Without an account the password is still checked, against the start-up hash: the same work either way.
    func testAnUnknownAccountCostsOneHashCheckToo() async throws {
        let checked = Mutex<[String]>([])
        let check = PasswordCheck(timingHash: "hash-de-depart") { password, hash in
            checked.withLock { $0.append(hash) }
            return password == "bon" && hash == "hash-du-compte"
        }
        let right = try await check.matches("bon", hash: "hash-du-compte")
        let wrong = try await check.matches("faux", hash: "hash-du-compte")
        let unknown = try await check.matches("bon", hash: nil)
        XCTAssertEqual([right, wrong, unknown], [true, false, false])
        let tricky = PasswordCheck(timingHash: "h") { _, _ in true }
        let matchedTheStartUpHash = try await tricky.matches("x", hash: nil)
        XCTAssertFalse(matchedTheStartUpHash, "matching the start-up hash signs nobody in")
        XCTAssertEqual(checked.withLock { $0 }, ["hash-du-compte", "hash-du-compte", "hash-de-depart"])
    }
}
