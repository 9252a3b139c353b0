import Foundation

/// Limits guesses of a secret — a password, a request's tracking code — per subject (the account, the request
/// number) and per client address within a sliding window, each with its own threshold: few per subject (guessing
/// one person's secret), many more per address (a town hall or a mobile operator puts many people behind one).
/// An attempt is counted *before* the secret is checked, in one step with the check of the limits, so parallel
/// guesses cannot all pass while the first check runs; a successful one takes its count back. Kept in memory per
/// process: a restart giving an attacker a few more tries is acceptable next to the secrets' size.
public actor AttemptThrottle {
    public struct Limits: Sendable {
        public var perSubject: Int
        public var perClient: Int
        public var window: TimeInterval
        public init(perSubject: Int, perClient: Int, window: TimeInterval = 15 * 60) {
            self.perSubject = perSubject; self.perClient = perClient; self.window = window
        }
        /// Passwords: 5 per account, 50 per address, in 15 minutes.
        public static let signIn = Limits(perSubject: 5, perClient: 50)
        /// Tracking codes (about 40 bits): 20 per request, 30 per address, in 15 minutes.
        public static let trackingCode = Limits(perSubject: 20, perClient: 30)
    }

    /// One counted attempt, to give back if it succeeds.
    public struct Attempt: Sendable {
        let subject: String
        let client: String
        let at: Date
    }

    private let limits: Limits
    private var attempts: [String: [Date]] = [:]

    public init(limits: Limits) { self.limits = limits }

    /// Counts an attempt on `subject` from `client`, or returns nil (nothing counted) when either is at its limit.
    public func begin(subject: String, client: String, now: Date = Date()) -> Attempt? {
        let subjectKey = "subject:" + subject, clientKey = "client:" + client
        guard recent(subjectKey, now).count < limits.perSubject, recent(clientKey, now).count < limits.perClient else { return nil }
        for key in [subjectKey, clientKey] { attempts[key] = recent(key, now) + [now] }
        if attempts.count > 100_000 { attempts = attempts.filter { !recent($0.key, now).isEmpty } }
        return Attempt(subject: subjectKey, client: clientKey, at: now)
    }

    /// The secret was right: the attempt is not held against the address, and the subject starts afresh.
    public func succeeded(_ attempt: Attempt) {
        attempts[attempt.subject] = nil
        if var times = attempts[attempt.client], let index = times.lastIndex(of: attempt.at) {
            times.remove(at: index)
            attempts[attempt.client] = times
        }
    }

    private func recent(_ key: String, _ now: Date) -> [Date] {
        (attempts[key] ?? []).filter { now.timeIntervalSince($0) < limits.window }
    }
}
