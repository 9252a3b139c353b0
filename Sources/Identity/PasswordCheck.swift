import Foundation

/// Checks a password in the same time whether the account exists or not: without an account, the password is
/// checked against a hash made at start-up with the same cost, so the answer's delay does not tell which
/// addresses have an account.
public struct PasswordCheck: Sendable {
    let timingHash: String
    let verify: @Sendable (_ password: String, _ hash: String) async throws -> Bool

    public init(timingHash: String, verify: @escaping @Sendable (_ password: String, _ hash: String) async throws -> Bool) {
        self.timingHash = timingHash; self.verify = verify
    }

    /// Whether `password` matches `hash`; false, after the same work, when there is no hash (no account, or an
    /// invited agent who has not chosen a password yet: an empty hash).
    public func matches(_ password: String, hash: String?) async throws -> Bool {
        let usable = hash.flatMap { $0.isEmpty ? nil : $0 }
        let matched = try await verify(password, usable ?? timingHash)
        return usable != nil && matched
    }

    /// Whether a stored hash was made with less work than hashes are made with now (a bcrypt cost raised since):
    /// the password, just checked, is hashed again at sign-in.
    public func needsRehash(_ hash: String) -> Bool {
        guard let current = Self.bcryptCost(timingHash), let stored = Self.bcryptCost(hash) else { return false }
        return stored < current
    }

    /// The cost of a bcrypt hash (`$2b$12$…`); nil for anything else.
    static func bcryptCost(_ hash: String) -> Int? {
        let parts = hash.split(separator: "$", omittingEmptySubsequences: false)
        guard parts.count >= 4, parts[0].isEmpty, parts[1].hasPrefix("2"), parts[2].count == 2 else { return nil }
        return Int(parts[2])
    }
}
