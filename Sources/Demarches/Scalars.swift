import Foundation

/// Phone numbers: French numbers (0X XX XX XX XX or +33 X XX XX XX XX) normalised to "0X XX XX XX XX";
/// other international numbers kept as "+" and digits.
public enum Phone {
    public static func normalise(_ s: String) -> String? {
        let compact = s.filter { !" .-()\u{00A0}".contains($0) }
        let b = Array(compact.utf8)
        func nationalNine(_ tail: ArraySlice<UInt8>) -> Bool {
            tail.count == 9 && tail.first != UInt8(ascii: "0") && ASCIIShape.digits(tail, count: 9...9)
        }
        if b.first == UInt8(ascii: "0"), nationalNine(b.dropFirst()) { return grouped(compact) }
        if (b.starts(with: "+33".utf8) && nationalNine(b.dropFirst(3))) || (b.starts(with: "0033".utf8) && nationalNine(b.dropFirst(4))) {
            return grouped("0" + compact.suffix(9))
        }
        if b.first == UInt8(ascii: "+"), b.dropFirst().first != UInt8(ascii: "0"), ASCIIShape.digits(b.dropFirst(), count: 8...15) { return compact }
        return nil
    }
    private static func grouped(_ ten: String) -> String {
        stride(from: 0, to: 10, by: 2).map { i in
            String(ten[ten.index(ten.startIndex, offsetBy: i)..<ten.index(ten.startIndex, offsetBy: i + 2)])
        }.joined(separator: " ")
    }
}

/// Times of day: accepts "08:30", "8:30", "8h30", "8h" and returns "08:30".
enum ClockTime {
    public static func parse(_ s: String) -> String? {
        let lowered = s.lowercased()
        let separator: Character = lowered.contains("h") ? "h" : ":"
        let parts = lowered.split(separator: separator, maxSplits: 1, omittingEmptySubsequences: false)
        guard parts.count == 2 || separator == "h" else { return nil }
        guard let hours = ASCIIShape.number(parts[0].utf8), (1...2).contains(parts[0].count), hours < 24 else { return nil }
        let minutesText = parts.count == 2 ? parts[1] : ""
        let minutes: Int
        if minutesText.isEmpty && separator == "h" { minutes = 0 }
        else {
            guard minutesText.count == 2, let m = ASCIIShape.number(minutesText.utf8), m < 60 else { return nil }
            minutes = m
        }
        return (hours < 10 ? "0" : "") + String(hours) + ":" + (minutes < 10 ? "0" : "") + String(minutes)
    }
}
