import Codecs
import Foundation
import PropertyBased
import Testing

/// The one-pass decoder replaced `replacingOccurrences("+", " ").removingPercentEncoding`: it must answer the same
/// on anything, well-formed or not, with one deliberate difference. Foundation refuses bytes that are not UTF-8
/// (`%FF`, `%80`), except a few lone continuation bytes (`%A9`) that it turns into U+FFFD; those are refused too.
@Suite struct FormURLEncodingTests {
    static func foundation(_ text: String) -> String? { text.replacingOccurrences(of: "+", with: " ").removingPercentEncoding }

    /// Foundation's answer, with its U+FFFD cases as the refusal they are here (no input below holds U+FFFD).
    static func expected(_ text: String) -> String? {
        guard let decoded = foundation(text) else { return nil }
        return decoded.contains("\u{FFFD}") ? nil : decoded
    }

    @Test func decodesAsFoundationDidOnKnownCases() {
        for text in ["", "abc", "a+b", "%41", "%c3%a9t%C3%A9", "D%C3%A9m%C3%A9nagement+%C3%A0+Bron", "%", "%4", "%zz", "%4g", "100%",
                     "%ff", "%C3", "%e2%82%ac", "a%2Bb", "%00", "+++", "%F0%9F%98%80", "é", "%2", "caf%C3%A9%"] {
            #expect(FormURLEncoding.decode(text) == Self.expected(text), "\(text)")
        }
        #expect(Self.foundation("%A9") == "\u{FFFD}" && FormURLEncoding.decode("%A9") == nil, "the one difference")
    }

    @Test func decodesAsFoundationDidOnAnyText() async {
        // Built from pieces that meet every branch: plain letters, `+`, good and broken escapes, bytes that make
        // UTF-8 or break it, and text that is not ASCII at all.
        let pieces = ["a", "Z", "0", "+", "%", "%2", "%20", "%2B", "%C3", "%A9", "%c3%a9", "%E2%82", "%AC", "%FF", "%F0%9F%98%80", "%G1", "é", "€", "&", "="]
        await propertyCheck(count: 3_000, input: Gen.int(in: 0...(pieces.count - 1)).array(of: 0...12)) { choices in
            let text = choices.map { pieces[$0] }.joined()
            #expect(FormURLEncoding.decode(text) == Self.expected(text), "\(text)")
        }
    }

    @Test func aSubstringDecodesLikeItsString() {
        let body = "code=abc%2Fdef&redirect_uri=https%3A%2F%2Fbench.example%2Fcallback"
        let values = body.split(separator: "&").map { $0.split(separator: "=", maxSplits: 1)[1] }
        #expect(values.map(FormURLEncoding.decode) == ["abc/def", "https://bench.example/callback"])
    }
}
