import Foundation

/// RFC 4648 base32, the way authenticator apps take a TOTP key: upper case, no padding; read back whatever the
/// case, with spaces and dashes (people copy keys in groups) ignored.
public enum Base32 {
    static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567".utf8)

    public static func encode(_ bytes: [UInt8]) -> String {
        var out: [UInt8] = [], buffer = 0, bits = 0
        for byte in bytes {
            buffer = (buffer << 8) | Int(byte); bits += 8
            while bits >= 5 { out.append(alphabet[(buffer >> (bits - 5)) & 31]); bits -= 5 }
        }
        if bits > 0 { out.append(alphabet[(buffer << (5 - bits)) & 31]) }
        return String(decoding: out, as: UTF8.self)
    }

    /// Nil for a character outside the alphabet, or for more than 1,024 characters.
    public static func decode(_ text: String) -> [UInt8]? {
        let cleaned = text.uppercased().utf8.filter { $0 != UInt8(ascii: " ") && $0 != UInt8(ascii: "-") && $0 != UInt8(ascii: "=") }
        guard cleaned.count <= 1024 else { return nil }
        var out: [UInt8] = [], buffer = 0, bits = 0
        for char in cleaned {
            guard let value = alphabet.firstIndex(of: char) else { return nil }
            buffer = ((buffer << 5) | value) & 0xFFFF; bits += 5
            if bits >= 8 { out.append(UInt8((buffer >> (bits - 8)) & 0xFF)); bits -= 8 }
        }
        return out
    }
}
