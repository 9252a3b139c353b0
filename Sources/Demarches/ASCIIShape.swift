/// Small hand-written checks on ASCII text. Swift's `Regex` parses its pattern each time a literal is built
/// and matches slowly: on the submission path it cost more than the database (profile in docs/PERFORMANCE.md).
enum ASCIIShape {
    static func isDigit(_ b: UInt8) -> Bool { b >= 0x30 && b <= 0x39 }
    static func isUpper(_ b: UInt8) -> Bool { b >= 0x41 && b <= 0x5A }
    static func isAlnum(_ b: UInt8) -> Bool { isDigit(b) || isUpper(b) || (b >= 0x61 && b <= 0x7A) }

    /// Whether `bytes` is only digits, with a length in `count`.
    static func digits<C: Collection<UInt8>>(_ bytes: C, count: ClosedRange<Int>) -> Bool {
        count.contains(bytes.count) && bytes.allSatisfy(isDigit)
    }

    /// The value of an all-digit run, or nil.
    static func number<C: Collection<UInt8>>(_ bytes: C) -> Int? {
        guard !bytes.isEmpty, bytes.count <= 18, bytes.allSatisfy(isDigit) else { return nil }
        return bytes.reduce(0) { $0 * 10 + Int($1 - 0x30) }
    }
}
