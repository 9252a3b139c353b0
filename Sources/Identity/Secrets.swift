import Codecs
import Crypto
import Foundation

/// Random secrets handed to people (e-mail links, API tokens, tracking codes). Only their SHA-256 is stored,
/// so a database leak does not leak usable links or tokens; tracking codes, short enough to be typed (about 40
/// bits), are keyed with the server's secret (`TrackingCodeHash`), so a leaked table cannot be searched offline.
public enum Secret {
    /// A URL-safe token with 256 bits of entropy.
    public static func token() -> String {
        Base64URL.random(bytes: 32)
    }

    /// Whether `text` has the shape of a `token()` (43 URL-safe characters), before anything is looked up with it.
    public static func isToken(_ text: String) -> Bool {
        text.utf8.count == 43 && text.utf8.allSatisfy { $0 == 45 || $0 == 95 || (48...57).contains($0) || (65...90).contains($0) || (97...122).contains($0) }
    }

    /// A code a person can read and type: 8 characters from an alphabet without 0/O, 1/I/L ("K7QM-2XPA").
    public static func trackingCode() -> String {
        let alphabet = Array("ABCDEFGHJKMNPQRSTUVWXYZ23456789")
        let chars = (0..<8).map { _ in alphabet.randomElement()! }
        return String(chars[0..<4]) + "-" + String(chars[4..<8])
    }

    /// Tracking codes compare case- and dash-insensitively: what matters is what the person typed.
    public static func normaliseTrackingCode(_ code: String) -> String {
        code.uppercased().filter { $0.isLetter || $0.isNumber }
    }

    /// Lowercase hex SHA-256.
    public static func hash(_ secret: String) -> String { hex(SHA256.hash(data: Data(secret.utf8))) }

    /// Lowercase hex, hand-encoded: `String(format:)` per byte showed up in the submission profile.
    static func hex<Bytes: Sequence>(_ bytes: Bytes) -> String where Bytes.Element == UInt8 {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(64)
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}

/// Tracking codes as stored: `h1:` and the hex HMAC-SHA256 of the normalised code under a key derived from the
/// server's secret. Codes stored before (plain SHA-256) are still recognised.
public struct TrackingCodeHash: Sendable {
    let key: SymmetricKey

    public init(serverSecret: Data) {
        key = SymmetricKey(data: Data(HMAC<SHA256>.authenticationCode(for: Data("tracking-codes".utf8), using: SymmetricKey(data: serverSecret))))
    }

    public func hash(_ code: String) -> String {
        // On the filing path: hex like `Secret.hash`.
        "h1:" + Secret.hex(HMAC<SHA256>.authenticationCode(for: Data(Secret.normaliseTrackingCode(code).utf8), using: key))
    }

    /// Whether `code` is the one `stored` was made from.
    public func matches(_ code: String, stored: String) -> Bool {
        stored.hasPrefix("h1:") ? hash(code) == stored : Secret.hash(Secret.normaliseTrackingCode(code)) == stored
    }
}

/// Forms' anti-forgery tokens without server state: the browser holds a random nonce in a cookie of its own, and
/// the forms it is served carry the nonce's HMAC under a key derived from the server's secret. Another site can
/// neither read the cookie nor compute the token; one able to plant a cookie (a sibling subdomain) still lacks the
/// key. Nothing is stored, so an anonymous page view writes nothing.
public struct FormTokens: Sendable {
    let key: SymmetricKey

    public init(serverSecret: Data) {
        key = SymmetricKey(data: Data(HMAC<SHA256>.authenticationCode(for: Data("form-tokens".utf8), using: SymmetricKey(data: serverSecret))))
    }

    /// The token the forms of the browser holding `nonce` carry.
    public func token(for nonce: String) -> String {
        Secret.hex(HMAC<SHA256>.authenticationCode(for: Data(nonce.utf8), using: key))
    }

    /// Whether `token` was made for `nonce`, compared in constant time.
    public func matches(_ token: String, nonce: String) -> Bool {
        let expected = Array(self.token(for: nonce).utf8), given = Array(token.utf8)
        guard expected.count == given.count else { return false }
        return zip(expected, given).reduce(0) { $0 | ($1.0 ^ $1.1) } == 0
    }
}
