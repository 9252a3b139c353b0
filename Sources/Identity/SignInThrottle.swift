import Foundation

/// Limits sign-in attempts per account and per client address within a sliding window, each with its own
/// threshold: few per account (guessing one person's password), many more per address (a town hall or a mobile
/// operator puts many people behind one). An attempt is counted *before* the password is checked, in one step
/// with the check of the limits, so parallel guesses cannot all pass while the first hash is being computed; a
/// successful one takes its count back. Kept in memory: a restart giving an attacker a few more tries is
/// acceptable next to bcrypt's cost.
public actor SignInThrottle {
    public struct Limits: Sendable {
        public var perAccount: Int
        public var perClient: Int
        public var window: TimeInterval
        public init(perAccount: Int = 5, perClient: Int = 50, window: TimeInterval = 15 * 60) {
            self.perAccount = perAccount; self.perClient = perClient; self.window = window
        }
    }

    /// One counted attempt, to give back if it succeeds.
    public struct Attempt: Sendable {
        let keys: [String]
        let at: Date
    }

    private let limits: Limits
    private var attempts: [String: [Date]] = [:]

    public init(limits: Limits = Limits()) { self.limits = limits }

    /// Counts an attempt on `account` from `client`, or returns nil (nothing counted) when either is at its limit.
    public func begin(account: String, client: String, now: Date = Date()) -> Attempt? {
        let accountKey = "account:" + account, clientKey = "client:" + client
        guard recent(accountKey, now).count < limits.perAccount, recent(clientKey, now).count < limits.perClient else { return nil }
        for key in [accountKey, clientKey] { attempts[key] = recent(key, now) + [now] }
        if attempts.count > 100_000 { attempts = attempts.filter { !recent($0.key, now).isEmpty } }
        return Attempt(keys: [accountKey, clientKey], at: now)
    }

    /// The password was right: the attempt is not held against the address, and the account starts afresh.
    public func succeeded(_ attempt: Attempt) {
        attempts[attempt.keys[0]] = nil
        if var times = attempts[attempt.keys[1]], let index = times.lastIndex(of: attempt.at) {
            times.remove(at: index)
            attempts[attempt.keys[1]] = times
        }
    }

    private func recent(_ key: String, _ now: Date) -> [Date] {
        (attempts[key] ?? []).filter { now.timeIntervalSince($0) < limits.window }
    }
}

/// Checks a password in the same time whether the account exists or not: without an account, the password is
/// checked against a hash made at start-up with the same cost, so the answer's delay does not tell which
/// addresses have an account.
public struct PasswordCheck: Sendable {
    let timingHash: String
    let verify: @Sendable (_ password: String, _ hash: String) async throws -> Bool

    public init(timingHash: String, verify: @escaping @Sendable (_ password: String, _ hash: String) async throws -> Bool) {
        self.timingHash = timingHash; self.verify = verify
    }

    /// Whether `password` matches `hash`; false, after the same work, when there is no hash.
    public func matches(_ password: String, hash: String?) async throws -> Bool {
        let matched = try await verify(password, hash ?? timingHash)
        return hash != nil && matched
    }
}
