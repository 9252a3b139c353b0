import Foundation

/// Limits failed sign-ins per e-mail and per client address within a sliding window. Kept in memory: Guichet is
/// one process, and a restart giving an attacker five more tries is acceptable next to bcrypt's cost.
public actor SignInThrottle {
    private let maxFailures: Int
    private let window: TimeInterval
    private var failures: [String: [Date]] = [:]

    public init(maxFailures: Int = 5, window: TimeInterval = 15 * 60) {
        self.maxFailures = maxFailures; self.window = window
    }

    /// Whether another attempt is allowed for all these keys now.
    public func allows(_ keys: [String], now: Date = Date()) -> Bool {
        keys.allSatisfy { recent($0, now).count < maxFailures }
    }

    public func recordFailure(_ keys: [String], now: Date = Date()) {
        for key in keys { failures[key] = recent(key, now) + [now] }
        if failures.count > 100_000 { failures = failures.filter { !recent($0.key, now).isEmpty } }
    }

    public func reset(_ keys: [String]) { for key in keys { failures[key] = nil } }

    private func recent(_ key: String, _ now: Date) -> [Date] {
        (failures[key] ?? []).filter { now.timeIntervalSince($0) < window }
    }
}
