import Foundation

/// A duration as people state it in a workflow: "15 jours", "2 mois", "1 heure". Months and days are calendar
/// units in the collectivité's time zone (two months after 31 December is the last day of February; a day
/// across a clock change still ends at the same hour), so a deadline falls where a lawyer would count it.
public struct Delay: Sendable, Codable, Equatable {
    public var months: Int
    public var days: Int
    public var hours: Int
    public var minutes: Int

    public init(months: Int = 0, days: Int = 0, hours: Int = 0, minutes: Int = 0) {
        self.months = months; self.days = days; self.hours = hours; self.minutes = minutes
    }

    private enum CodingKeys: String, CodingKey { case months, days, hours, minutes }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        months = try c.decodeIfPresent(Int.self, forKey: .months) ?? 0
        days = try c.decodeIfPresent(Int.self, forKey: .days) ?? 0
        hours = try c.decodeIfPresent(Int.self, forKey: .hours) ?? 0
        minutes = try c.decodeIfPresent(Int.self, forKey: .minutes) ?? 0
    }

    /// Only the units in use are written, so definitions stay as their authors wrote them.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        if months != 0 { try c.encode(months, forKey: .months) }
        if days != 0 { try c.encode(days, forKey: .days) }
        if hours != 0 { try c.encode(hours, forKey: .hours) }
        if minutes != 0 { try c.encode(minutes, forKey: .minutes) }
    }

    /// Positive, and no unit over a hundred years: a longer delay would reach dates past what the calendar and
    /// the timers' millisecond columns hold (a definition's JSON can state any integer).
    var isUsable: Bool {
        let units = [(months, 1_200), (days, 36_500), (hours, 876_000), (minutes, 52_560_000)]
        return units.allSatisfy { (0...$0.1).contains($0.0) } && units.contains { $0.0 > 0 }
    }

    public func after(_ date: Date, in calendar: Calendar) -> Date {
        var c = DateComponents()
        c.month = months; c.day = days; c.hour = hours; c.minute = minutes
        return calendar.date(byAdding: c, to: date) ?? date
    }

    /// "2 mois et 15 jours".
    public var french: String {
        func unit(_ n: Int, _ one: String, _ many: String) -> String? { n == 0 ? nil : "\(n) \(n == 1 ? one : many)" }
        let parts = [unit(months, "mois", "mois"), unit(days, "jour", "jours"), unit(hours, "heure", "heures"),
                     unit(minutes, "minute", "minutes")].compactMap { $0 }
        guard let last = parts.last else { return "aucun délai" }
        return parts.count == 1 ? last : parts.dropLast().joined(separator: ", ") + " et " + last
    }
}

/// The legal time limit to answer a request (code des relations entre le public et l'administration,
/// art. L231-1 and following): when it runs out without a decision, silence decides — acceptance by default,
/// rejection where a text says so. The time spent waiting for a correction from the citizen does not count.
public struct LegalDeadline: Sendable, Codable, Equatable {
    public enum Silence: String, Sendable, Codable { case accord, rejet }
    public var delay: Delay
    public var silence: Silence
    /// The end status the implicit decision leads to.
    public var status: String

    public init(delay: Delay, silence: Silence, status: String) { self.delay = delay; self.silence = silence; self.status = status }

    /// What the history says when it runs out.
    public var label: String {
        silence == .accord ? "Décision implicite d'acceptation (silence vaut accord, \(delay.french))"
                           : "Décision implicite de rejet (silence vaut rejet, \(delay.french))"
    }
}
