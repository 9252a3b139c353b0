import Foundation

/// Numbers as French readers write them: « 5 000 », « 1 234,5 » (thousands apart by a narrow no-break space, a
/// comma before the decimals), and read back as people type them (« 5 000 », « 5 000,50 », « 0.20 »).
public enum FrenchNumber {
    /// « 43 573 »: an exact number, at least `decimals` decimals.
    public static func format(_ value: Decimal, decimals: Int = 0) -> String {
        let negative = value < 0
        let parts = "\(negative ? -value : value)".split(separator: ".", maxSplits: 1)
        var fraction = parts.count > 1 ? String(parts[1]) : ""
        if fraction.count < decimals { fraction = fraction.padding(toLength: decimals, withPad: "0", startingAt: 0) }
        var grouped = ""
        for (i, c) in String(parts[0]).reversed().enumerated() {
            if i > 0 && i % 3 == 0 { grouped.append("\u{202F}") }
            grouped.append(c)
        }
        return (negative ? "-" : "") + String(grouped.reversed()) + (fraction.isEmpty ? "" : "," + fraction)
    }

    /// A number as people type it; nil when it is not one.
    public static func parse(_ text: String) -> Decimal? {
        let t = text.trimmingCharacters(in: .whitespaces).replacingOccurrences(of: ",", with: ".")
            .replacingOccurrences(of: " ", with: "").replacingOccurrences(of: "\u{202F}", with: "").replacingOccurrences(of: "\u{00A0}", with: "")
        guard !t.isEmpty, t.allSatisfy({ $0.isNumber || $0 == "." || $0 == "-" }), t.filter({ $0 == "." }).count <= 1,
              t.lastIndex(of: "-").map({ $0 == t.startIndex }) ?? true else { return nil }
        return Decimal(string: t, locale: Locale(identifier: "en_US_POSIX"))
    }
}
