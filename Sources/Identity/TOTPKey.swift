import Crypto
import Foundation

/// Time-based one-time passwords (RFC 6238 over RFC 4226's HOTP): HMAC-SHA-1, 30-second steps, 6 digits, what
/// every authenticator app (FreeOTP, Aegis, Google Authenticator…) computes from the key it was given.
public struct TOTPKey: Sendable, Equatable {
    public static let period: Int64 = 30
    public static let digits = 6
    /// A code of the step before or after is accepted too: the phone's clock drifts, the person types slowly.
    static let window: Int64 = 1

    public let key: [UInt8]

    public init(key: [UInt8]) { self.key = key }

    /// A new key of 160 bits, as RFC 4226 recommends.
    public static func generate() -> TOTPKey {
        var generator = SystemRandomNumberGenerator()
        return TOTPKey(key: (0..<20).map { _ in UInt8.random(in: 0...255, using: &generator) })
    }

    /// The key as typed into an authenticator app: base32, in groups of four.
    public var displayKey: String {
        let text = Array(Base32.encode(key))
        return stride(from: 0, to: text.count, by: 4).map { String(text[$0..<min($0 + 4, text.count)]) }.joined(separator: " ")
    }

    public static func step(at date: Date) -> Int64 { Int64(floor(date.timeIntervalSince1970)) / period }

    public func code(step: Int64) -> String {
        var counter = UInt64(bitPattern: step).bigEndian
        let message = withUnsafeBytes(of: &counter) { Data($0) }
        let mac = Array(HMAC<Insecure.SHA1>.authenticationCode(for: message, using: SymmetricKey(data: key)))
        let offset = Int(mac[mac.count - 1] & 0x0F)
        let value = (UInt32(mac[offset] & 0x7F) << 24) | (UInt32(mac[offset + 1]) << 16) | (UInt32(mac[offset + 2]) << 8) | UInt32(mac[offset + 3])
        let code = String(value % 1_000_000)
        return String(repeating: "0", count: Self.digits - code.count) + code
    }

    /// The step `typed` is the code of, within the window around `date` and after `lastStep` (a code accepted
    /// once is refused after: RFC 6238 §5.2); nil otherwise. Spaces the person typed are ignored.
    public func acceptedStep(_ typed: String, at date: Date, after lastStep: Int64?) -> Int64? {
        let digits = typed.filter { $0 != " " }
        guard digits.count == Self.digits, digits.allSatisfy(\.isASCII), digits.allSatisfy(\.isNumber) else { return nil }
        let now = Self.step(at: date)
        for step in (now - Self.window)...(now + Self.window) where step > (lastStep ?? Int64.min) {
            if Self.same(code(step: step), digits) { return step }
        }
        return nil
    }

    /// The `otpauth://` address authenticator apps open (Key Uri Format): issuer and account in the label.
    public func uri(account: String, issuer: String) -> String {
        func encode(_ s: String) -> String { s.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "-._~@"))) ?? "" }
        return "otpauth://totp/\(encode(issuer)):\(encode(account))?secret=\(Base32.encode(key))&issuer=\(encode(issuer))&algorithm=SHA1&digits=\(Self.digits)&period=\(Self.period)"
    }

    /// Compared in constant time: the time taken says nothing of how many digits were right.
    static func same(_ a: String, _ b: String) -> Bool {
        let (x, y) = (Array(a.utf8), Array(b.utf8))
        guard x.count == y.count else { return false }
        return zip(x, y).reduce(0) { $0 | ($1.0 ^ $1.1) } == 0
    }
}

/// Single-use codes that stand in for the authenticator when the phone is lost: ten of ten characters (about 50
/// bits each), shown once, kept keyed-hashed.
public enum RecoveryCodes {
    public static let count = 10

    public static func generate() -> [String] {
        let alphabet = Array("ABCDEFGHJKMNPQRSTUVWXYZ23456789")
        var generator = SystemRandomNumberGenerator()
        return (0..<count).map { _ in
            let chars = (0..<10).map { _ in alphabet[Int.random(in: 0..<alphabet.count, using: &generator)] }
            return String(chars[0..<5]) + "-" + String(chars[5..<10])
        }
    }

    /// Whether `typed` has the shape of a recovery code (rather than six digits), whatever its case and dashes.
    public static func looksLikeOne(_ typed: String) -> Bool {
        let letters = typed.uppercased().filter { $0.isLetter || $0.isNumber }
        return letters.count == 10 && letters.allSatisfy(\.isASCII)
    }
}

/// A value kept sealed at rest (AES-256-GCM, key derived from the server's secret and a purpose), so a copy of
/// the database alone does not give it: TOTP keys, which must be read back to check a code.
public struct SecretSeal: Sendable {
    let key: SymmetricKey

    public init(serverSecret: Data, purpose: String) {
        key = SymmetricKey(data: Data(HMAC<SHA256>.authenticationCode(for: Data(purpose.utf8), using: SymmetricKey(data: serverSecret))))
    }

    public func seal(_ bytes: [UInt8]) throws -> String {
        guard let combined = try AES.GCM.seal(Data(bytes), using: key).combined else { throw SealError.unsealable }
        return "s1:" + combined.base64EncodedString()
    }

    public func open(_ sealed: String) throws -> [UInt8] {
        guard sealed.hasPrefix("s1:"), let data = Data(base64Encoded: String(sealed.dropFirst(3))) else { throw SealError.unsealable }
        return Array(try AES.GCM.open(AES.GCM.SealedBox(combined: data), using: key))
    }

    public enum SealError: Error { case unsealable }
}
