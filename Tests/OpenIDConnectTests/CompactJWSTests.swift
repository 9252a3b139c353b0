import Codecs
import Foundation
@testable import OpenIDConnect
import PropertyBased
import Testing

/// Tokens are serialised by hand (`CompactJWS`) and verified by JWTKit: any claims, with the characters JSON must
/// escape, come back the same from the other library, for both algorithms.
@Suite struct CompactJWSTests {
    static let now = Date(timeIntervalSince1970: 1_800_000_000)
    static let texts = ["", "a", "Élodie", "l'\"école\"", #"C:\dossier"#, "ligne\nsuite", "\t\r\u{01}\u{1F}", "😀", "</script>", "https://x.fr/a?b=c&d"]

    static func claims(_ choices: [Int]) -> ClaimSet {
        var set = ClaimSet()
        for (i, choice) in choices.enumerated() {
            let text = texts[choice % texts.count]
            let value: ClaimValue = switch choice % 5 {
            case 0: .string(text)
            case 1: .int(Int64(choice) * 1_000_003 - 500_000_000)
            case 2: .bool(choice % 2 == 0)
            case 3: .strings(Array(texts.prefix(choice % 4)))
            default: .object(["formatted": .string(text), "country": .string("France"), "n": .int(Int64(i))])
            }
            set[text + String(i)] = value
        }
        return set
    }

    @Test func anyClaimsComeBackFromJWTKit() async throws {
        let keys = try [SigningAlgorithm.es256, .rs256].map { try SigningKey.generate($0, at: Self.now) }
        let ring = try await KeyRing.make(keys, now: Self.now)
        await propertyCheck(count: 150, input: Gen.int(in: 0...400).array(of: 0...9)) { choices in
            let claims = Self.claims(choices)
            for algorithm in [SigningAlgorithm.es256, .rs256] {
                guard let token = try? await ring.sign(claims, with: algorithm, type: "at+jwt"),
                      let (back, type) = try? await ring.verify(token) else { Issue.record("\(algorithm) did not verify"); continue }
                #expect(back == claims)
                #expect(type == "at+jwt")
                #expect(JWSHeader.read(token)?.alg == algorithm.rawValue)
            }
        }
    }

    @Test func theJSONIsWhatFoundationReads() throws {
        let claims = Self.claims(Array(0..<30))
        let decoded = try JSONDecoder().decode(ClaimSet.self, from: Data(CompactJWS.json(claims.claims)))
        #expect(decoded == claims)
        #expect(String(decoding: CompactJWS.json(["b": .int(1), "a": .strings(["x"])]), as: UTF8.self) == #"{"a":["x"],"b":1}"#)
        #expect(String(decoding: CompactJWS.json(["q": .string("\"\\\n\u{07}")]), as: UTF8.self) == #"{"q":"\"\\\n\u0007"}"#)
    }

    @Test func aChangedByteBreaksTheSignature() async throws {
        let ring = try await KeyRing.make([try SigningKey.generate(.es256, at: Self.now)], now: Self.now)
        let token = try await ring.sign(ClaimSet(["sub": .string("a1")]), with: .es256)
        let parts = token.split(separator: ".").map(String.init)
        let forged = [parts[0], Base64URL.encode(Array(#"{"sub":"a2"}"#.utf8)), parts[2]].joined(separator: ".")
        await #expect(throws: (any Error).self) { try await ring.verify(forged) }
    }
}
