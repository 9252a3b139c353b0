import Identity
import Storage
import Vapor

extension Request {
    /// A journal line about `accountID`, from this request's address and device.
    public func securityEvent(_ kind: SecurityEvent.Kind, accountID: String, detail: String? = nil) -> SecurityEvent {
        SecurityEvent(accountID: accountID, at: store.clock(), kind: kind, ip: clientAddress,
                      device: DeviceLabel.of(userAgent: headers.first(name: .userAgent)), detail: detail)
    }

    /// Writes it to the account's security journal.
    public func journal(_ kind: SecurityEvent.Kind, accountID: String, detail: String? = nil) async throws {
        try await store.record(securityEvent(kind, accountID: accountID, detail: detail))
    }
}
