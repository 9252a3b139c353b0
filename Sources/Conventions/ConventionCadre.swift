import Expressions
import Foundation

/// A day, `yyyy-mm-dd`, compared as text; conventions count whole days in Lyon.
public typealias Day = String

/// How a year partly covered (a service joined or stopped mid-year) is billed — a setting, since the deliberation
/// says nothing: `daily` (default) bills the days covered over the days of the year; `wholeYear` bills any year
/// the service was open at all in full.
public enum PartialYearRule: String, Sendable, Codable, CaseIterable {
    case daily, wholeYear = "whole_year"

    /// The share of `year` covered by a service open from `start` to `end` (inclusive; nil: still open).
    public func share(of year: Int, start: Day, end: Day?) -> Decimal {
        let first = max(start, String(format: "%04d-01-01", year))
        let last = min(end ?? "9999-12-31", String(format: "%04d-12-31", year))
        guard first <= last else { return 0 }
        switch self {
        case .wholeYear: return 1
        case .daily:
            let covered = Calendars.days(from: first, to: last) + 1
            let total = Calendars.days(from: String(format: "%04d-01-01", year), to: String(format: "%04d-12-31", year)) + 1
            return covered == total ? 1 : Decimal(covered) / Decimal(total)
        }
    }
}

/// A commune's convention cadre: an initial term of one year from its start, renewed tacitly by one-year
/// periods up to six years; the services it joins, each from a day and until a day when stopped on its own;
/// termination or non-renewal ends every service.
public struct ConventionCadre: Sendable, Equatable {
    public struct Membership: Sendable, Equatable {
        public var serviceID: String
        public var offer: Offer?
        public var start: Day
        /// Stopped on its own, the other services going on.
        public var end: Day?
        public init(serviceID: String, offer: Offer?, start: Day, end: Day? = nil) {
            self.serviceID = serviceID; self.offer = offer; self.start = start; self.end = end
        }

        /// Whether both are open on a common day (`end` is the first day without the service).
        func overlaps(_ other: Membership) -> Bool {
            start < (other.end ?? "9999-12-31") && other.start < (end ?? "9999-12-31")
        }
    }

    public var commune: String
    public var signed: Day
    public var start: Day
    public var services: [Membership]
    /// Terminated or not renewed: every service ends that day.
    public var ended: Day?

    static let maximumYears = 6
    /// How far ahead a convention reaching its final end is flagged, to prepare the next one.
    public static let endingSoonDays = 180
    /// Communes holding an earlier convention for Toodego or laclasse.com keep it only if they approve the
    /// convention cadre by this day (deliberation CP-2025-4074, II-2°).
    public static let approvalDeadline: Day = "2025-12-31"

    /// Why a commune that held an earlier convention risks losing its services; nil when it approved in time.
    public enum ApprovalRisk: Sendable, Equatable { case noConvention, signedLate(Day) }

    public static func approvalRisk(of convention: ConventionCadre?) -> ApprovalRisk? {
        guard let convention else { return .noConvention }
        return convention.signed > approvalDeadline ? .signedLate(convention.signed) : nil
    }

    public init(commune: String, signed: Day, start: Day, services: [Membership], ended: Day? = nil) {
        self.commune = commune; self.signed = signed; self.start = start; self.services = services; self.ended = ended
    }

    /// The last day the convention can run: the day before the sixth anniversary of its start.
    public var finalEnd: Day { Calendars.addYears(Self.maximumYears, to: start, minusOneDay: true) }

    /// The last day of the convention: termination's eve, or the final end.
    public var end: Day { ended.map { Calendars.addDays(-1, to: $0) } ?? finalEnd }

    /// The one-year period `day` falls in (1 = initial term), with its first and last days; nil before the start,
    /// after the final end or after termination.
    public func period(on day: Day) -> (number: Int, start: Day, end: Day)? {
        guard day >= start, day <= finalEnd, ended.map({ day < $0 }) ?? true else { return nil }
        for n in 1...Self.maximumYears {
            let end = Calendars.addYears(n, to: start, minusOneDay: true)
            if day <= end { return (n, Calendars.addYears(n - 1, to: start, minusOneDay: false), end) }
        }
        return nil
    }

    /// Whether the convention ends within `days` of `day` — its final end, or an earlier termination or
    /// non-renewal already decided — so that the next one is prepared in time.
    public func endsWithin(days: Int, of day: Day) -> Bool {
        guard period(on: day) != nil else { return false }
        return Calendars.days(from: day, to: end) <= days
    }

    /// Non-renewal decided on `day` takes effect when the current period ends: the first day after it.
    public func nonRenewalDay(from day: Day) -> Day? { period(on: day).map { Calendars.addDays(1, to: $0.end) } }

    /// The services open on `day`, with their offer.
    public func services(on day: Day) -> [Membership] {
        guard period(on: day) != nil else { return [] }
        return services.filter { $0.start <= day && ($0.end.map { day < $0 } ?? true) }
    }

    /// A membership's end as billing sees it: its own stop, the convention's termination, or the final end.
    public func end(of membership: Membership) -> Day {
        [membership.end.map { Calendars.addDays(-1, to: $0) }, ended.map { Calendars.addDays(-1, to: $0) }, finalEnd].compactMap { $0 }.min()!
    }
}

/// Day arithmetic on `yyyy-mm-dd` with the project's calendar day (`CivilDate`: exact, no time zone involved).
/// Days reach here checked (imports, forms and the domain's changes refuse anything else).
enum Calendars {
    static func civil(_ day: Day) -> CivilDate { CivilDate(iso: day)! }

    static func days(from a: Day, to b: Day) -> Int { civil(b).day - civil(a).day }

    static func addDays(_ n: Int, to day: Day) -> Day { CivilDate(day: civil(day).day + n).iso }

    /// The same day `n` years later (29 February gives 28 February in a common year), or the day before it.
    static func addYears(_ n: Int, to day: Day, minusOneDay: Bool) -> Day {
        let c = civil(day).components
        let later = CivilDate(iso: String(format: "%04d-%02d-%02d", c.year + n, c.month, c.day))
            ?? CivilDate(iso: String(format: "%04d-%02d-%02d", c.year + n, c.month, c.day - 1))!
        return minusOneDay ? CivilDate(day: later.day - 1).iso : later.iso
    }
}
