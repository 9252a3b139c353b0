import Foundation
import Identity
import Testing

@Suite struct TOTPTests {
    /// RFC 6238, appendix B (SHA-1 key "12345678901234567890"), last six of its eight digits.
    let rfc = TOTPKey(key: Array("12345678901234567890".utf8))

    @Test func codesAreThoseOfTheRFC() {
        for (time, code) in [(59.0, "287082"), (1_111_111_109, "081804"), (1_111_111_111, "050471"), (1_234_567_890, "005924"),
                             (2_000_000_000, "279037"), (20_000_000_000, "353130")] {
            #expect(rfc.code(step: TOTPKey.step(at: Date(timeIntervalSince1970: time))) == code, "\(time)")
        }
    }

    @Test func aCodeIsAcceptedOnceWithinItsWindow() {
        let now = Date(timeIntervalSince1970: 1_234_567_890), step = TOTPKey.step(at: now)
        #expect(rfc.acceptedStep("005924", at: now, after: nil) == step)
        #expect(rfc.acceptedStep("005 924", at: now, after: nil) == step, "spaces typed are ignored")
        #expect(rfc.acceptedStep("005924", at: now, after: step) == nil, "a code used once is refused (RFC 6238 §5.2)")
        #expect(rfc.acceptedStep(rfc.code(step: step - 1), at: now, after: nil) == step - 1, "the phone a little late")
        #expect(rfc.acceptedStep(rfc.code(step: step + 1), at: now, after: nil) == step + 1, "or a little early")
        #expect(rfc.acceptedStep(rfc.code(step: step - 2), at: now, after: nil) == nil, "a minute late is too late")
        #expect(rfc.acceptedStep("005925", at: now, after: nil) == nil)
        #expect(rfc.acceptedStep("٠٠٥٩٢٤", at: now, after: nil) == nil, "other digits than ASCII")
        #expect(rfc.acceptedStep(String(repeating: "9", count: 10_000), at: now, after: nil) == nil)
    }

    @Test func keysAreWrittenAsAppsTakeThem() {
        #expect(Base32.encode(Array("12345678901234567890".utf8)) == "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ")
        #expect(Base32.decode("gezd gnbv-gy3tqojqgezdgnbvgy3tqojq") == Array("12345678901234567890".utf8))
        #expect(Base32.decode("GEZ1") == nil, "1 is not base32")
        let key = TOTPKey.generate()
        #expect(key.key.count == 20 && Base32.decode(key.displayKey) == key.key)
        #expect(key.displayKey.split(separator: " ").allSatisfy { $0.count == 4 })
        #expect(rfc.uri(account: "agent@bron.fr", issuer: "Guichet Grand Lyon")
                == "otpauth://totp/Guichet%20Grand%20Lyon:agent@bron.fr?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=Guichet%20Grand%20Lyon&algorithm=SHA1&digits=6&period=30")
    }

    @Test func recoveryCodesAndSeals() throws {
        let codes = RecoveryCodes.generate()
        #expect(codes.count == 10 && Set(codes).count == 10)
        #expect(codes.allSatisfy { $0.count == 11 && RecoveryCodes.looksLikeOne($0) && RecoveryCodes.looksLikeOne($0.lowercased().replacingOccurrences(of: "-", with: "")) })
        #expect(!RecoveryCodes.looksLikeOne("123456"))
        let seal = SecretSeal(serverSecret: Data("s".utf8), purpose: "second-factor")
        let sealed = try seal.seal([1, 2, 3])
        #expect(try seal.open(sealed) == [1, 2, 3])
        #expect(throws: (any Error).self) { try SecretSeal(serverSecret: Data("t".utf8), purpose: "second-factor").open(sealed) }
    }
}
