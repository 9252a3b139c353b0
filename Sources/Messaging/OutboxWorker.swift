import Foundation
import Logging
import Storage
import Workflow

/// Delivers the outbox (e-mails, SMS, webhook calls): due messages oldest first, claimed so that no other worker
/// delivers them too, each marked sent once its receiver accepted it. A failure is recorded on the message (visible to admins) and retried with exponential
/// backoff, capped at an hour, for as long as it takes: a message is never dropped. The one exception is a
/// webhook whose workflow has an error branch: after `WorkflowAction.webhookAttempts` failures the request
/// takes that branch instead.
public actor OutboxWorker {
    let store: Store
    let transport: any MailTransport
    let sms: any SMSGateway
    let webhooks: WebhookClient
    let logouts: BackChannelLogout
    let logger: Logger
    let idleDelay: Duration
    let lease: TimeInterval
    private let doorbell = Doorbell()

    public init(store: Store, transport: any MailTransport, sms: any SMSGateway, webhooks: WebhookClient, logouts: BackChannelLogout,
                logger: Logger, idleDelay: Duration = .seconds(2), lease: TimeInterval = OutboxWorker.defaultLease) {
        self.store = store; self.transport = transport; self.sms = sms; self.webhooks = webhooks; self.logouts = logouts
        self.logger = logger; self.idleDelay = idleDelay; self.lease = lease
    }

    /// Runs until the task is cancelled.
    public func run() async {
        while !Task.isCancelled {
            let delivered = (try? await deliverDue()) ?? 0
            if delivered == 0 { await doorbell.wait(upTo: idleDelay) }
        }
    }

    /// Asks the worker to look at the outbox now (after a commit that queued mail).
    public func wake() async { await doorbell.ring() }

    /// How long a claimed message is this worker's, unless configured: well beyond the longest attempt (a webhook's
    /// 15 s, an SMTP session's timeouts). A worker that died holding messages gives them back when it runs out.
    public static let defaultLease: TimeInterval = 300
    /// Destinations delivered at once (so, for e-mail, connections to the relay at once).
    public static let concurrentDestinations = 8

    /// Claims what is due now and delivers it; returns how many were attempted. Tests call this directly.
    ///
    /// Each message is marked sent as soon as its receiver accepted it (marks made at once share a commit).
    /// Messages go by destination (each recipient, each webhook host), in order within one, several
    /// destinations at once: a webhook that times out delays its own host's calls, not every tenant's e-mails. (A webhook answer that cannot be
    /// recorded stops that destination's round: the call is retried, and receivers see `X-Guichet-Delivery`
    /// again, so they can ignore a repeat.)
    @discardableResult
    public func deliverDue(limit: Int = 100) async throws -> Int {
        let due = try await store.claimDue(limit: limit, lease: lease)
        var byDestination: [String: [OutboxEntry]] = [:]
        var order: [String] = []
        for entry in due {
            let key = Self.destination(of: entry.message)
            if byDestination[key] == nil { order.append(key) }
            byDestination[key, default: []].append(entry)
        }
        let queues = order.compactMap { byDestination[$0] }
        var storeFailure: (any Error)?
        await withTaskGroup(of: (any Error)?.self) { group in
            var next = 0
            func startNext() {
                guard next < queues.count else { return }
                let queue = queues[next]
                next += 1
                group.addTask { await self.deliver(queue) }
            }
            for _ in 0..<Self.concurrentDestinations { startNext() }
            for await failure in group {
                if let failure { storeFailure = storeFailure ?? failure }
                startNext()
            }
        }
        if let storeFailure { throw storeFailure }
        return due.count
    }

    /// What must be delivered in order: one person's e-mails (a receipt before the status it led to), one
    /// number's SMS, one host's webhook calls. Different ones go side by side.
    static func destination(of message: OutboxMessage) -> String {
        switch message {
        case .email(let mail): "mail " + mail.to
        case .sms(let sms): "sms " + sms.to
        case .webhook(let call): "webhook " + (URL(string: call.url)?.host ?? call.url)
        case .logout(let notice): "logout " + (URL(string: notice.url)?.host ?? notice.url)
        }
    }

    /// One destination's messages in order; returns the store error that stopped it, if any.
    private nonisolated func deliver(_ queue: [OutboxEntry]) async -> (any Error)? {
        for entry in queue {
            do { try await deliver(entry) } catch { return error }
        }
        return nil
    }

    /// Throws only when the outcome could not be recorded.
    private nonisolated func deliver(_ entry: OutboxEntry) async throws {
        let answer: WebhookClient.Answer?
        do {
            switch entry.message {
            case .email(var mail):
                for i in mail.attachments.indices { mail.attachments[i].bytes = try store.files.read(id: mail.attachments[i].fileID) }
                try await transport.send(mail, id: entry.id); answer = nil
            case .sms(let message): try await sms.send(message, id: entry.id); answer = nil
            case .webhook(let call): answer = try await webhooks.call(call, id: entry.id)
            case .logout(let notice): try await logouts.deliver(notice); answer = nil
            }
        } catch {
            let attempts = entry.attempts + 1
            let delay = Self.backoff(attempts: attempts)
            logger.warning("outbox delivery failed", metadata: ["message": "\(entry.id)", "kind": "\(entry.message.summary.kind)",
                                                                "attempt": "\(attempts)", "error": "\(error)", "retry_in_s": "\(Int(delay))"])
            if case .webhook(let call) = entry.message, call.onError != nil, attempts >= WorkflowAction.webhookAttempts {
                try await store.abandonWebhook(entryID: entry.id, call: call, error: "\(error)")
            } else {
                try await store.markFailed(entry.id, error: "\(error)", retryAt: store.clock().addingTimeInterval(delay))
            }
            return
        }
        if case .webhook(let call) = entry.message, let answer {
            // Recorded with the request in one transaction, which also marks the delivery done.
            try await store.recordWebhookAnswer(entryID: entry.id, call: call, status: answer.status, body: answer.body)
        } else {
            try await store.markSent(entry.id)
        }
    }

    /// 30 s, 1 min, 2 min, … up to 1 h between attempts.
    public static func backoff(attempts: Int) -> TimeInterval {
        min(3600, 30 * pow(2, Double(max(0, attempts - 1))))
    }
}
