import Foundation

/// The types of the language. Every field of a form has one (see `Demarches`' mapping).
public enum ValueType: String, Sendable, Equatable, Codable, CaseIterable {
    case bool, number, text, date, list

    /// As the designer shows it to a commune admin: "nombre".
    public var french: String {
        switch self {
        case .bool: "booléen (vrai/faux)"
        case .number: "nombre"
        case .text: "texte"
        case .date: "date"
        case .list: "liste"
        }
    }

    /// With its article, for sentences: "une date".
    public var frenchWithArticle: String { (self == .date || self == .list ? "une " : "un ") + french }
}

/// A value during evaluation. `null` is an unanswered field: comparisons and arithmetic with it give `null`,
/// `et`/`ou`/`non` read it as false, and a condition that ends `null` is false.
public enum Value: Sendable, Equatable {
    case bool(Bool)
    case number(Decimal)
    case text(String)
    case date(CivilDate)
    case list([String])
    case null

    public var type: ValueType? {
        switch self {
        case .bool: .bool
        case .number: .number
        case .text: .text
        case .date: .date
        case .list: .list
        case .null: nil
        }
    }

    /// Truth as a condition sees it.
    var isTrue: Bool { self == .bool(true) }
}

/// A calendar day, without time or zone: what a date field holds.
public struct CivilDate: Sendable, Equatable, Comparable, Hashable {
    /// Days since 1970-01-01 (proleptic Gregorian).
    public var day: Int

    public init(day: Int) { self.day = day }

    /// From a calendar's year, month and day (assumed valid, as a `Calendar` gives them).
    public init(year: Int, month: Int, day: Int) { self.day = CivilDate.daysFromCivil(year, month, day) }

    /// From "2026-03-21"; nil for anything else or an impossible day.
    public init?(iso: String) {
        let parts = iso.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
              let y = Int(parts[0]), let m = Int(parts[1]), let d = Int(parts[2]),
              (1...12).contains(m), d >= 1, d <= CivilDate.days(inMonth: m, year: y) else { return nil }
        self.day = CivilDate.daysFromCivil(y, m, d)
    }

    public var components: (year: Int, month: Int, day: Int) { CivilDate.civilFromDays(day) }

    public var iso: String {
        let c = components
        func pad(_ n: Int, _ width: Int) -> String { String(repeating: "0", count: max(0, width - String(n).count)) + String(n) }
        return "\(pad(c.year, 4))-\(pad(c.month, 2))-\(pad(c.day, 2))"
    }

    public static func < (a: CivilDate, b: CivilDate) -> Bool { a.day < b.day }

    static func days(inMonth m: Int, year y: Int) -> Int {
        switch m {
        case 2: (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    // Howard Hinnant's days_from_civil / civil_from_days: exact for every Gregorian date.
    static func daysFromCivil(_ year: Int, _ m: Int, _ d: Int) -> Int {
        let y = m <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    static func civilFromDays(_ z0: Int) -> (year: Int, month: Int, day: Int) {
        let z = z0 + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp + (mp < 10 ? 3 : -9)
        return (yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
    }
}
