import Foundation
import OpenIDConnect
import Synchronization

/// The identity provider's part of the store: the registered applications (read on every token request), the
/// signing keys ready to use, how private keys are kept, and how subjects are made.
///
/// Both caches are voided by this process's writes and the other processes' announcements (`CacheBus`), and are
/// read again at most `lifetime` after they were read: `guichet oidc-client` and `guichet keys` run beside a
/// SQLite server, which hears no announcements, are seen within that time (an unknown application is looked up
/// at once). Meanwhile replaced keys, which still verify, keep signing.
final class OpenIDState: Sendable {
    let clients = Expiring<[String: StoredRelyingParty]>()
    let ring = Expiring<KeyRing>()
    let custody: KeyCustody
    let subjects: SubjectMaker
    /// Codes issued and redeemed, refresh tokens renewed: a write each, committed in batches (`GroupCommit`), so
    /// the token endpoint is not held to one commit (one fsync) per request.
    let grantWrites: GroupCommit<GrantWrite, Redemption?>
    init(custody: KeyCustody, serverSecret: Data, bus: CacheBus, write: @escaping GroupCommit<GrantWrite, Redemption?>.Commit) {
        self.custody = custody
        grantWrites = GroupCommit(maxBatch: 256, commit: write)
        subjects = SubjectMaker(serverSecret: serverSecret)
        bus.register("oidc-clients") { [clients] _ in clients.void() }
        bus.register("oidc-keys") { [ring] _ in ring.void() }
    }
}

/// One value read from the database, kept for `lifetime` at most.
final class Expiring<Value: Sendable>: Sendable {
    static var lifetime: TimeInterval { 10 }
    private let entry = Mutex<(value: Value, readAt: Date)?>(nil)

    func value(now: Date) -> Value? {
        entry.withLock { entry in
            guard let entry, now >= entry.readAt, now.timeIntervalSince(entry.readAt) < Self.lifetime else { return nil }
            return entry.value
        }
    }

    func keep(_ value: Value, readAt: Date) { entry.withLock { $0 = (value, readAt) } }
    func void() { entry.withLock { $0 = nil } }
}

/// Where private signing keys are kept: sealed in the database under a secret from the environment
/// (`GUICHET_KEYS_SECRET`: every process sharing the database can use them), or each in a file of its own,
/// readable by Guichet's user only, in the data folder.
public enum KeyCustody: Sendable {
    case sealed(KeySeal)
    case files(URL)
}

/// A registered application with its secret's hash.
public struct StoredRelyingParty: Sendable, Equatable {
    public var registration: RelyingParty
    public var secretHash: String?
    public var createdAt: Date
}
