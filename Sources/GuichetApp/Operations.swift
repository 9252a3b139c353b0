import Metrics
import Prometheus
import Storage
import Vapor

/// Health, readiness and metrics: what the Métropole's operations team scrapes and probes.
enum Operations {
    /// One registry per process: swift-metrics can be bootstrapped once only.
    static let registry: PrometheusCollectorRegistry = {
        let registry = PrometheusCollectorRegistry()
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))
        return registry
    }()

    static func register(_ app: Application, store: Store) {
        let registry = Self.registry
        app.get("healthz") { _ in "ok" }
        app.get("readyz") { req async -> Response in
            await store.ping() ? Response(status: .ok, body: "ready") : Response(status: .serviceUnavailable, body: "database unreachable")
        }
        app.get("metrics") { req async throws -> Response in
            var buffer: [UInt8] = []
            registry.emit(into: &buffer)
            let (pending, failing) = try await store.outboxCounts()
            let filings = await store.filingCounts()
            var text = String(decoding: buffer, as: UTF8.self)
            text += """
                # HELP guichet_outbox_pending E-mails not yet delivered.
                # TYPE guichet_outbox_pending gauge
                guichet_outbox_pending \(pending)
                # HELP guichet_outbox_failing Undelivered e-mails that failed at least once.
                # TYPE guichet_outbox_failing gauge
                guichet_outbox_failing \(failing)
                # HELP guichet_filings_total Requests filed since the process started.
                # TYPE guichet_filings_total counter
                guichet_filings_total \(filings.requests)
                # HELP guichet_filing_transactions_total Transactions that wrote them (group commit: several requests each).
                # TYPE guichet_filing_transactions_total counter
                guichet_filing_transactions_total \(filings.transactions)

                """
            var headers = HTTPHeaders()
            headers.replaceOrAdd(name: .contentType, value: "text/plain; version=0.0.4; charset=utf-8")
            return Response(status: .ok, headers: headers, body: .init(string: text))
        }
    }
}
