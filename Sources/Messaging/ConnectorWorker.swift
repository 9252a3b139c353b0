import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import Routing
import Storage

/// Delivers the connectors' journal (`Connector`): each request's events in order, each posted signed with its
/// connector's key and its idempotency key, retried with `Connector.retryDelay` until the receiver answers 2xx;
/// a connector failing for `Connector.disableAfter` is stopped and the Métropole alerted, its events kept.
/// Its own worker, beside the outbox's: a commune's slow or dead receiver holds back that commune's events only,
/// never an e-mail.
public actor ConnectorWorker {
    let store: Store
    let client: OutboundHTTP
    let keys: WebhookKeys
    let alert: @Sendable (_ to: String, _ commune: (slug: String, name: String), _ since: Date, _ error: String) -> OutboxMail
    let mailQueued: @Sendable () async -> Void
    let logger: Logger
    let idleDelay: Duration
    let lease: TimeInterval
    let clock: @Sendable () -> Date
    private let doorbell = Doorbell()

    /// Calls in flight to one connector; several connectors are served side by side.
    public static let callsPerConnector = 4

    public init(store: Store, client: OutboundHTTP, keys: WebhookKeys,
                alert: @escaping @Sendable (_ to: String, _ commune: (slug: String, name: String), _ since: Date, _ error: String) -> OutboxMail,
                mailQueued: @escaping @Sendable () async -> Void, logger: Logger, idleDelay: Duration = .seconds(2),
                lease: TimeInterval = 300, clock: @escaping @Sendable () -> Date = Date.init) {
        self.store = store; self.client = client; self.keys = keys; self.alert = alert; self.mailQueued = mailQueued
        self.logger = logger; self.idleDelay = idleDelay; self.lease = lease; self.clock = clock
    }

    public func run() async {
        while !Task.isCancelled {
            let delivered = (try? await deliverDue()) ?? 0
            if delivered == 0 { await doorbell.wait(upTo: idleDelay) }
        }
    }

    /// Asks the worker to look at the journal now (after a commit that queued events).
    public func wake() async { await doorbell.ring() }

    /// Claims what is due and delivers it; returns how many calls were made. Tests call this directly.
    @discardableResult
    public func deliverDue(limit: Int = 200) async throws -> Int {
        let due = try await store.claimConnectorDeliveries(limit: limit, lease: lease)
        guard !due.isEmpty else { return 0 }
        let targets = try await store.connectorTargets()
        let byCommune = Dictionary(grouping: due, by: \.commune)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for (commune, deliveries) in byCommune {
                guard let target = targets[commune] else { continue }  // stopped since the claim: due again after the lease
                let key = keys.connectorKey(commune: commune, generation: target.keyGeneration)
                group.addTask { try await self.deliver(deliveries, to: target.url, key: key) }
            }
            try await group.waitForAll()
        }
        return due.count
    }

    /// One connector's share, `callsPerConnector` at a time (each a different request's next event).
    private nonisolated func deliver(_ deliveries: [ConnectorDelivery], to url: String, key: String) async throws {
        var start = 0
        while start < deliveries.count {
            let chunk = deliveries[start..<min(start + Self.callsPerConnector, deliveries.count)]
            try await withThrowingTaskGroup(of: Void.self) { group in
                for delivery in chunk { group.addTask { try await self.deliver(delivery, to: url, key: key) } }
                try await group.waitForAll()
            }
            start += Self.callsPerConnector
        }
    }

    private nonisolated func deliver(_ delivery: ConnectorDelivery, to url: String, key: String) async throws {
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.headers.add(name: "User-Agent", value: "Guichet-Connecteur/1")
        request.headers.add(name: "Idempotency-Key", value: delivery.id)
        request.headers.add(name: "X-Guichet-Event", value: delivery.event.rawValue)
        request.headers.add(name: "X-Guichet-Signature",
                            value: WebhookClient.signature(body: delivery.payload, timestamp: Int(clock().timeIntervalSince1970), key: key))
        request.body = .bytes(ByteBuffer(string: delivery.payload))
        do {
            let answer = try await client.execute(request, timeout: .seconds(15), maxBytes: 64 * 1024)
            try await store.markConnectorDelivered(delivery.id, status: answer.status)
        } catch let error as OutboundRefusal {
            try await failed(delivery, status: { if case .status(let code) = error { code } else { nil } }(), error: error.description)
        } catch {
            try await failed(delivery, status: nil, error: "\(error)")
        }
    }

    private nonisolated func failed(_ delivery: ConnectorDelivery, status: Int?, error: String) async throws {
        logger.warning("connector delivery failed", metadata: ["delivery": "\(delivery.id)", "commune": "\(delivery.commune)",
                                                              "attempt": "\(delivery.attempts + 1)", "error": "\(error)"])
        if try await store.markConnectorFailed(delivery, status: status, error: error, alert: alert) {
            logger.error("connector stopped after persistent failure", metadata: ["commune": "\(delivery.commune)"])
            await mailQueued()
        }
    }

}
