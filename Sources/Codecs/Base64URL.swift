import Foundation

/// Unpadded base64url (RFC 4648 §5), as JOSE, PKCE and Guichet's random tokens write binary values. Encoding is
/// on every token response and every issued secret, so it writes the bytes directly rather than rewriting
/// Foundation's base64 three times.
public enum Base64URL {
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)

    public static func encode(_ data: some Collection<UInt8>) -> String {
        let bytes = Array(data)
        let length = (bytes.count * 4 + 2) / 3
        return String(unsafeUninitializedCapacity: length) { out in
            var i = 0, o = 0
            while i + 3 <= bytes.count {
                let n = UInt32(bytes[i]) << 16 | UInt32(bytes[i + 1]) << 8 | UInt32(bytes[i + 2])
                out[o] = alphabet[Int(n >> 18 & 63)]; out[o + 1] = alphabet[Int(n >> 12 & 63)]
                out[o + 2] = alphabet[Int(n >> 6 & 63)]; out[o + 3] = alphabet[Int(n & 63)]
                i += 3; o += 4
            }
            let rest = bytes.count - i
            if rest > 0 {
                let n = UInt32(bytes[i]) << 16 | (rest == 2 ? UInt32(bytes[i + 1]) << 8 : 0)
                out[o] = alphabet[Int(n >> 18 & 63)]; out[o + 1] = alphabet[Int(n >> 12 & 63)]
                o += 2
                if rest == 2 { out[o] = alphabet[Int(n >> 6 & 63)]; o += 1 }
            }
            return o
        }
    }

    /// `count` bytes from the system's cryptographic generator, encoded: the shape of every secret Guichet hands
    /// out (tokens, codes, state). Drawn eight bytes at a time, not one call per byte.
    public static func random(bytes count: Int) -> String {
        var generator = SystemRandomNumberGenerator()
        var bytes: [UInt8] = []
        bytes.reserveCapacity(count + 7)
        while bytes.count < count { withUnsafeBytes(of: generator.next() as UInt64) { bytes.append(contentsOf: $0) } }
        return encode(bytes.prefix(count))
    }

    public static func decode(_ text: String) -> Data? {
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while base64.count % 4 != 0 { base64 += "=" }
        return Data(base64Encoded: base64)
    }
}
