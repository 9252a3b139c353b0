import Foundation
import Logging
import Storage
import Workflow

/// Delivers the outbox (e-mails, SMS, webhook calls): due messages oldest first, each marked sent only once its
/// receiver accepted it. A failure is recorded on the message (visible to admins) and retried with exponential
/// backoff, capped at an hour, for as long as it takes: a message is never dropped. The one exception is a
/// webhook whose workflow has an error branch: after `WorkflowAction.webhookAttempts` failures the request
/// takes that branch instead.
public actor OutboxWorker {
    let store: Store
    let transport: any MailTransport
    let sms: any SMSGateway
    let webhooks: WebhookClient
    let logger: Logger
    let idleDelay: Duration
    private var wakeUp: CheckedContinuation<Void, Never>?

    public init(store: Store, transport: any MailTransport, sms: any SMSGateway, webhooks: WebhookClient, logger: Logger,
                idleDelay: Duration = .seconds(2)) {
        self.store = store; self.transport = transport; self.sms = sms; self.webhooks = webhooks
        self.logger = logger; self.idleDelay = idleDelay
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
    /// (A webhook answer that cannot be recorded stops the round: the call is retried, and receivers see
    /// `X-Guichet-Delivery` again, so they can ignore a repeat.)
    @discardableResult
    public func deliverDue(limit: Int = 100) async throws -> Int {
        let due = try await store.dueMessages(limit: limit)
        var sent: [String] = []
        var storeFailure: (any Error)?
        delivery: for entry in due {
            do {
                switch entry.message {
                case .email(let mail):
                    try await transport.send(mail, id: entry.id)
                    sent.append(entry.id)
                case .sms(let message):
                    try await sms.send(message, id: entry.id)
                    sent.append(entry.id)
                case .webhook(let call):
                    let answer = try await webhooks.call(call, id: entry.id)
                    // Recorded with the request in one transaction, which also marks the delivery done.
                    do { try await store.recordWebhookAnswer(entryID: entry.id, call: call, status: answer.status, body: answer.body) }
                    catch { storeFailure = error; break delivery }
                }
            } catch {
                let attempts = entry.attempts + 1
                let delay = Self.backoff(attempts: attempts)
                logger.warning("outbox delivery failed", metadata: ["message": "\(entry.id)", "kind": "\(entry.message.summary.kind)",
                                                                    "attempt": "\(attempts)", "error": "\(error)", "retry_in_s": "\(Int(delay))"])
                do {
                    if case .webhook(let call) = entry.message, call.onError != nil, attempts >= WorkflowAction.webhookAttempts {
                        try await store.abandonWebhook(entryID: entry.id, call: call, error: "\(error)")
                    } else {
                        try await store.markFailed(entry.id, error: "\(error)", retryAt: store.clock().addingTimeInterval(delay))
                    }
                } catch { storeFailure = error; break delivery }
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
