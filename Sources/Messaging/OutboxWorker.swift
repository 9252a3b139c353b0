import Foundation
import Logging
import Storage

/// Delivers the outbox: due messages oldest first, each marked sent only once the transport accepted it.
/// A failure is recorded on the message (visible to admins) and retried with exponential backoff, capped at an
/// hour, for as long as it takes: a message is never dropped.
public actor OutboxWorker {
    let store: Store
    let transport: any MailTransport
    let logger: Logger
    let idleDelay: Duration
    private var wakeUp: CheckedContinuation<Void, Never>?

    public init(store: Store, transport: any MailTransport, logger: Logger, idleDelay: Duration = .seconds(2)) {
        self.store = store; self.transport = transport; self.logger = logger; self.idleDelay = idleDelay
    }

    /// Runs until the task is cancelled.
    public func run() async {
        while !Task.isCancelled {
            let delivered = (try? await deliverDue()) ?? 0
            if delivered == 0 { await sleep() }
        }
    }

    /// Asks the worker to look at the outbox now (after a commit that queued mail).
    public func wake() {
        wakeUp?.resume()
        wakeUp = nil
    }

    /// Delivers what is due now; returns how many were attempted. Tests call this directly.
    @discardableResult
    public func deliverDue(limit: Int = 100) async throws -> Int {
        let due = try await store.dueMail(limit: limit)
        var sent: [String] = []
        var storeFailure: (any Error)?
        for entry in due {
            do {
                try await transport.send(entry.mail, id: entry.id)
                sent.append(entry.id)
            } catch {
                let delay = Self.backoff(attempts: entry.attempts + 1)
                logger.warning("outbox delivery failed", metadata: ["message": "\(entry.id)", "attempt": "\(entry.attempts + 1)",
                                                                    "error": "\(error)", "retry_in_s": "\(Int(delay))"])
                do { try await store.markFailed(entry.id, error: "\(error)", retryAt: store.clock().addingTimeInterval(delay)) }
                catch { storeFailure = error; break }
            }
        }
        // What the server accepted is recorded even if recording a failure did not work.
        try await store.markSent(sent)
        if let storeFailure { throw storeFailure }
        return due.count
    }

    /// 30 s, 1 min, 2 min, … up to 1 h between attempts.
    public static func backoff(attempts: Int) -> TimeInterval {
        min(3600, 30 * pow(2, Double(max(0, attempts - 1))))
    }

    private func sleep() async {
        let delay = idleDelay
        await withTaskGroup(of: Void.self) { group in
            group.addTask { try? await Task.sleep(for: delay) }
            group.addTask { await self.waitForWake() }
            await group.next()
            group.cancelAll()
            self.wake()
        }
    }

    private func waitForWake() async {
        await withCheckedContinuation { continuation in
            if let previous = wakeUp { previous.resume() }
            wakeUp = continuation
        }
    }
}
