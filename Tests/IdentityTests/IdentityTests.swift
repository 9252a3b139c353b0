import Foundation
import Identity
import XCTest

final class IdentityTests: XCTestCase {
    func testPasswordPolicy() {
        XCTAssertEqual(PasswordPolicy.problem(with: "Court1!", email: "a@b.fr"), "Le mot de passe doit compter au moins 12 caractères.")
        XCTAssertNotNil(PasswordPolicy.problem(with: "toutenminuscules", email: "a@b.fr"))
        XCTAssertNil(PasswordPolicy.problem(with: "Guichet-Demo-2026!", email: "a@b.fr"))
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

    func testThrottleBlocksAfterFiveFailuresWithinTheWindow() async {
        let throttle = SignInThrottle(maxFailures: 5, window: 900)
        let t0 = Date(timeIntervalSince1970: 1_000_000)
        for i in 0..<5 {
            let allowed = await throttle.allows(["email:a"], now: t0.addingTimeInterval(Double(i)))
            XCTAssertTrue(allowed)
            await throttle.recordFailure(["email:a", "ip:1"], now: t0.addingTimeInterval(Double(i)))
        }
        let blocked = await throttle.allows(["email:a"], now: t0.addingTimeInterval(10))
        XCTAssertFalse(blocked)
        let otherAccountSameIP = await throttle.allows(["email:b", "ip:1"], now: t0.addingTimeInterval(10))
        XCTAssertFalse(otherAccountSameIP, "the address is blocked too")
        let later = await throttle.allows(["email:a"], now: t0.addingTimeInterval(901))
        XCTAssertTrue(later, "the window slides")
        await throttle.reset(["email:a"])
        let afterReset = await throttle.allows(["email:a"], now: t0.addingTimeInterval(11))
        XCTAssertTrue(afterReset)
    }
}
