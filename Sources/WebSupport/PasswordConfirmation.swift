import Storage
import Vapor

/// What typing a password came to.
public enum PasswordVerdict: Sendable {
    case matches
    case wrong
    /// Too many attempts for this address or from this client: the hash was not even computed.
    case throttled
}

extension Request {
    /// Checks `typed` against `account`'s password, counted in the sign-in throttle under `subject` (the address
    /// typed) before the hash is computed, so parallel guesses cannot all slip in while it runs. A wrong password
    /// for an existing account goes in its security journal (`purpose` says what it was typed for). Without an
    /// account the same hash work is done, so the answer's time does not say whether the address has one.
    public func checkPassword(_ typed: String, of account: Account?, subject: String, purpose: String? = nil) async throws -> PasswordVerdict {
        guard let attempt = await guichet.signInThrottle.begin(subject: subject, client: clientAddress) else { return .throttled }
        guard try await guichet.passwordCheck.matches(typed, hash: account?.passwordHash), let account else {
            if let account { try await journal(.signInRefused, accountID: account.id, detail: purpose) }
            return .wrong
        }
        await guichet.signInThrottle.succeeded(attempt)
        return .matches
    }
}
