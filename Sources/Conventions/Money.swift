import Expressions
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
    public static func french(_ amount: Decimal) -> String { number(cents(amount), decimals: 2) + "\u{00A0}€" }

    /// A rate as written in the deliberation, to the cent at least: « 0,20 € », « 0,025 € ».
    static func frenchRate(_ rate: Decimal) -> String { number(rate, decimals: 2) + "\u{00A0}€" }

    /// « 43 573 »: an exact number in French, at least `decimals` decimals.
    public static func number(_ value: Decimal, decimals: Int = 0) -> String { FrenchNumber.format(value, decimals: decimals) }

    /// An amount as people type it: « 5 000,50 », « 0.20 »; nil when it is not a number.
    public static func parse(_ text: String) -> Decimal? { FrenchNumber.parse(text) }
}
