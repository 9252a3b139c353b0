import Foundation

/// When an unused account is warned, then deleted: the CNIL's guidance for inactive accounts (a warning, then
/// deletion at two years). The deletion waits the whole notice after the warning, whenever it was sent, so that
/// nobody loses an account without the time to sign in once.
public struct InactivityPolicy: Sendable, Equatable {
    public let warnAfterMonths: Int
    public let deleteAfterMonths: Int

    public static let standard = InactivityPolicy(checkedWarn: 23, delete: 24)

    /// Nil unless 1 ≤ warn < delete ≤ 120 months.
    public init?(warnAfterMonths warn: Int, deleteAfterMonths delete: Int) {
        guard (1...120).contains(warn), (1...120).contains(delete), warn < delete else { return nil }
        self.init(checkedWarn: warn, delete: delete)
    }

    private init(checkedWarn warn: Int, delete: Int) { warnAfterMonths = warn; deleteAfterMonths = delete }

    static let calendar: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "Europe/Paris") ?? .gmt
        return calendar
    }()

    private func monthsBefore(_ months: Int, _ date: Date) -> Date { Self.calendar.date(byAdding: .month, value: -months, to: date) ?? date }

    /// Accounts last used before this are warned.
    public func warnIfLastUsedBefore(_ now: Date) -> Date { monthsBefore(warnAfterMonths, now) }
    /// Accounts last used before this, and warned before `deleteIfWarnedBefore`, are deleted.
    public func deleteIfLastUsedBefore(_ now: Date) -> Date { monthsBefore(deleteAfterMonths, now) }
    public func deleteIfWarnedBefore(_ now: Date) -> Date { monthsBefore(deleteAfterMonths - warnAfterMonths, now) }
    /// The day a warning sent at `now` says the account will be deleted.
    public func deletionDay(warnedAt now: Date) -> Date {
        Self.calendar.date(byAdding: .month, value: deleteAfterMonths - warnAfterMonths, to: now) ?? now
    }
}
