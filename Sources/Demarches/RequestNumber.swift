/// Request numbers: the collectivité's prefix, the year of filing and a yearly sequence ("CAL-2026-000123").
public enum RequestNumber {
    public static func format(prefix: String, year: Int, sequence: Int) -> String {
        let digits = String(sequence)
        return "\(prefix)-\(year)-\(String(repeating: "0", count: max(0, 6 - digits.count)))\(digits)"
    }

    /// Whether a string has the shape of a number; used to refuse odd input before any lookup.
    public static func isWellFormed(_ s: String) -> Bool {
        let parts = s.utf8.split(separator: UInt8(ascii: "-"), omittingEmptySubsequences: false)
        return parts.count == 3 && parts[0].count == 3 && parts[0].allSatisfy(ASCIIShape.isUpper)
            && ASCIIShape.digits(parts[1], count: 4...4) && ASCIIShape.digits(parts[2], count: 6...9)
    }
}
