import Codecs
import Foundation
import PropertyBased
import Testing

@Suite struct Base64URLTests {
    /// What the encoder replaced: Foundation's base64 with the two letters swapped and the padding dropped.
    static func foundation(_ bytes: [UInt8]) -> String {
        Data(bytes).base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    @Test func rfc4648Vectors() {
        // RFC 4648 §10, unpadded.
        let vectors = ["": "", "f": "Zg", "fo": "Zm8", "foo": "Zm9v", "foob": "Zm9vYg", "fooba": "Zm9vYmE", "foobar": "Zm9vYmFy"]
        for (text, encoded) in vectors { #expect(Base64URL.encode(Array(text.utf8)) == encoded) }
        #expect(Base64URL.encode([0xFB, 0xFF, 0xBF]) == "-_-_", "the URL-safe letters")
    }

    @Test func encodesAsFoundationDidAndDecodesBack() async {
        await propertyCheck(count: 2_000, input: Gen.int(in: 0...255).array(of: 0...70)) { ints in
            let bytes = ints.map { UInt8($0) }
            let encoded = Base64URL.encode(bytes)
            #expect(encoded == Self.foundation(bytes))
            #expect(Base64URL.decode(encoded) == Data(bytes))
        }
    }

    @Test func randomTokensHaveTheirLengthAndDiffer() {
        let tokens = (0..<200).map { _ in Base64URL.random(bytes: 32) }
        #expect(tokens.allSatisfy { $0.utf8.count == 43 && Base64URL.decode($0)?.count == 32 })
        #expect(Set(tokens).count == tokens.count)
        #expect(Base64URL.random(bytes: 16).utf8.count == 22)
    }
}
