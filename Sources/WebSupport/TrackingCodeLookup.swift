import Storage
import Vapor

/// A citizen's request found by its number and tracking code (or their account), as the follow-up page, the
/// correction form and the API look it up.
public enum TrackingCodeLookup: Sendable {
    case found(DemandeDetail)
    case notFound
    /// Too many wrong codes for this number or from this address (`AttemptThrottle.Limits.trackingCode`).
    case tooManyAttempts
}

extension Request {
    /// A guess with a code is counted before it is checked, against the number and the client's address; a
    /// wrong one is logged (number and address, never the code). The owner's account needs no code and is not
    /// counted.
    public func demandeByTrackingCode(number: String, code: String?, accountID: String?) async throws -> TrackingCodeLookup {
        guard let code, !code.isEmpty else {
            return try await store.demandeForCitizen(number: number, accountID: accountID, trackingCode: nil).map(TrackingCodeLookup.found) ?? .notFound
        }
        let client = clientAddress
        let subject = String(number.prefix(32))
        guard let attempt = await guichet.codeThrottle.begin(subject: subject, client: client) else {
            logger.warning("tracking code attempts throttled", metadata: ["number": "\(subject)", "client": "\(client)"])
            return .tooManyAttempts
        }
        guard let detail = try await store.demandeForCitizen(number: number, accountID: accountID, trackingCode: code) else {
            logger.notice("tracking code refused", metadata: ["number": "\(subject)", "client": "\(client)"])
            return .notFound
        }
        await guichet.codeThrottle.succeeded(attempt)
        return .found(detail)
    }
}

/// What the pages and the API say when codes are throttled.
public enum TrackingCodeWording {
    public static let tooManyAttempts = "Trop de codes de suivi essayés. Réessayez dans 15 minutes, ou suivez la demande depuis votre compte."
    public static let retryAfterSeconds = "900"
}
