import Foundation

/// Amounts in euros as exact decimals: intermediate values are never rounded, each final amount is rounded to the
/// cent, half up (0,005 € → 0,01 €), as public accounting writes them. Never floating point.
public enum Money {
    /// Rounded to the cent, half up (amounts are positive; a negative one rounds away from zero).
    public static func cents(_ amount: Decimal) -> Decimal {
        var value = amount, result = Decimal()
        NSDecimalRound(&result, &value, 2, .plain)
        return result
    }

    /// « 13714.60 »: rounded to the cent, always two decimals, a point; for CSV and JSON.
    public static func plain(_ amount: Decimal) -> String {
        let text = "\(cents(amount))"
        let parts = text.split(separator: ".", maxSplits: 1)
        return parts[0] + "." + (parts.count > 1 ? String(parts[1]).padding(toLength: 2, withPad: "0", startingAt: 0) : "00")
    }

    /// « 13 714,60 € »: thousands separated by a narrow no-break space, a comma before the cents.
    public static func french(_ amount: Decimal) -> String {
        let rounded = cents(amount)
        let negative = rounded < 0
        let text = "\(negative ? -rounded : rounded)"
        let parts = text.split(separator: ".", maxSplits: 1)
        let whole = String(parts[0])
        let fraction = parts.count > 1 ? String(parts[1]).padding(toLength: 2, withPad: "0", startingAt: 0) : "00"
        var grouped = ""
        for (i, c) in whole.reversed().enumerated() {
            if i > 0 && i % 3 == 0 { grouped.append("\u{202F}") }
            grouped.append(c)
        }
        return (negative ? "-" : "") + String(grouped.reversed()) + "," + fraction + "\u{00A0}€"
    }
}
