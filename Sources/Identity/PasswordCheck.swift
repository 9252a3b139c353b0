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
}
