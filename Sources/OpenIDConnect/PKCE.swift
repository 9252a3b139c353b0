import Codecs
import Crypto
import Foundation

/// Proof Key for Code Exchange (RFC 7636), S256 only: `plain` proves nothing against whoever reads the
/// authorization request, so it is refused.
public enum PKCE {
    /// Whether `text` can be a challenge: the base64url SHA-256 of a verifier, 43 characters.
    public static func isChallenge(_ text: String) -> Bool {
        text.utf8.count == 43 && text.utf8.allSatisfy(isBase64URL)
    }

    /// Whether `verifier` (43 to 128 unreserved characters) is the one `challenge` was made from.
    public static func verifies(_ verifier: String, challenge: String) -> Bool {
        guard (43...128).contains(verifier.utf8.count),
              verifier.utf8.allSatisfy({ isBase64URL($0) || $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "~") }) else { return false }
        return constantTimeEqual(challengeOf(verifier), challenge)
    }

    public static func challengeOf(_ verifier: String) -> String {
        Base64URL.encode(Data(SHA256.hash(data: Data(verifier.utf8))))
    }

    static func isBase64URL(_ byte: UInt8) -> Bool {
        (48...57).contains(byte) || (65...90).contains(byte) || (97...122).contains(byte) || byte == 45 || byte == 95
    }
}

/// Compares secrets without telling through timing how many first characters matched.
func constantTimeEqual(_ a: String, _ b: String) -> Bool {
    let x = Array(a.utf8), y = Array(b.utf8)
    guard x.count == y.count else { return false }
    return zip(x, y).reduce(0) { $0 | ($1.0 ^ $1.1) } == 0
}
