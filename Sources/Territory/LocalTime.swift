import Foundation

/// Lyon's clock. Request numbers count by its year, the inbox's date filters are its days, pages show its time.
/// Made once: building a calendar or a time zone per request showed in the submission profile.
public enum LocalTime {
    public static let calendar: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "Europe/Paris")!
        return calendar
    }()

    /// Midnight in Lyon starting the day "2026-03-21"; nil if that is not a day.
    public static func startOfDay(iso: String) -> Date? {
        let p = iso.split(separator: "-").compactMap { Int($0) }
        guard p.count == 3 else { return nil }
        return calendar.date(from: DateComponents(year: p[0], month: p[1], day: p[2]))
    }

    /// Midnight in Lyon ending that day: 23 or 25 hours later on the days the clocks change.
    public static func endOfDay(iso: String) -> Date? {
        startOfDay(iso: iso).flatMap { calendar.date(byAdding: .day, value: 1, to: $0) }
    }
}
