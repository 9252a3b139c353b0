/// The decoding of `application/x-www-form-urlencoded` names and values (the WHATWG URL standard's): `+` is a
/// space, `%XY` a byte, and the bytes must be UTF-8. Every form post and every token request goes through it, so
/// it works on the UTF-8 bytes in one pass, and returns a value without `%` or `+` as it came.
public enum FormURLEncoding {
    /// The decoded text; nil when a `%` is not followed by two hexadecimal digits or the bytes are not UTF-8, as
    /// Foundation's `removingPercentEncoding` answers (which turns a few lone continuation bytes, `%A9`, into
    /// U+FFFD instead: refused here like the others).
    public static func decode(_ text: Substring) -> String? {
        let utf8 = text.utf8
        guard utf8.contains(where: { $0 == UInt8(ascii: "%") || $0 == UInt8(ascii: "+") }) else { return String(text) }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(utf8.count)
        var index = utf8.startIndex
        while index != utf8.endIndex {
            let byte = utf8[index]
            switch byte {
            case UInt8(ascii: "+"): bytes.append(0x20)
            case UInt8(ascii: "%"):
                let first = utf8.index(after: index)
                guard first != utf8.endIndex, let high = hex(utf8[first]) else { return nil }
                let second = utf8.index(after: first)
                guard second != utf8.endIndex, let low = hex(utf8[second]) else { return nil }
                bytes.append(high << 4 | low)
                index = second
            default: bytes.append(byte)
            }
            index = utf8.index(after: index)
        }
        return String(validating: bytes, as: UTF8.self)
    }

    public static func decode(_ text: String) -> String? { decode(text[...]) }

    private static func hex(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
