import Foundation

/// E-mail addresses: a pragmatic check (one @, a dotted domain, no spaces), not RFC 5322's full grammar.
public enum Email {
    public static func isValid(_ s: String) -> Bool {
        guard s.count <= 254, s.wholeMatch(of: /[A-Za-z0-9.!#$%&'*+\/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+/) != nil
        else { return false }
        return !s.hasPrefix(".") && !s.contains("..")
    }
}

/// Phone numbers: French numbers (0X XX XX XX XX or +33 X XX XX XX XX) normalised to "0X XX XX XX XX";
/// other international numbers kept as "+" and digits.
public enum Phone {
    public static func normalise(_ s: String) -> String? {
        let compact = s.filter { !" .-()\u{00A0}".contains($0) }
        if compact.wholeMatch(of: /0[1-9][0-9]{8}/) != nil { return grouped(compact) }
        if compact.wholeMatch(of: /(\+33|0033)[1-9][0-9]{8}/) != nil { return grouped("0" + compact.suffix(9)) }
        if compact.wholeMatch(of: /\+[1-9][0-9]{7,14}/) != nil { return compact }
        return nil
    }
    private static func grouped(_ ten: String) -> String {
        stride(from: 0, to: 10, by: 2).map { i in
            String(ten[ten.index(ten.startIndex, offsetBy: i)..<ten.index(ten.startIndex, offsetBy: i + 2)])
        }.joined(separator: " ")
    }
}

/// Calendar dates: accepts ISO (2026-03-21, from `<input type=date>`) and French (21/03/2026), returns ISO.
public enum CalendarDate {
    public static func parse(_ s: String) -> String? {
        let y: Int, m: Int, d: Int
        if let match = s.wholeMatch(of: /([0-9]{4})-([0-9]{2})-([0-9]{2})/) {
            (y, m, d) = (Int(match.1)!, Int(match.2)!, Int(match.3)!)
        } else if let match = s.wholeMatch(of: /([0-9]{1,2})\/([0-9]{1,2})\/([0-9]{4})/) {
            (y, m, d) = (Int(match.3)!, Int(match.2)!, Int(match.1)!)
        } else { return nil }
        guard (1900...2200).contains(y), (1...12).contains(m), d >= 1, d <= daysIn(month: m, year: y) else { return nil }
        return String(format: "%04d-%02d-%02d", y, m, d)
    }

    /// "2026-03-21" → "21/03/2026".
    public static func french(_ iso: String) -> String {
        let p = iso.split(separator: "-")
        return p.count == 3 ? "\(p[2])/\(p[1])/\(p[0])" : iso
    }

    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }
}
