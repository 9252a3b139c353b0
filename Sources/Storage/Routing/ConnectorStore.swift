import Foundation
import Identity
import Routing
import SQLKit
import Territory
import Expressions

/// A *connecté* commune's connector, as the Métropole's admins manage it.
public struct StoredConnector: Sendable, Equatable, Decodable {
    public var commune: String
    public var url: String
    public var keyGeneration: Int
    public var disabledAt: Date?
    public var disabledReason: String?
    public var createdAt: Date
    /// Deliveries not yet accepted by the receiver, and among them those that failed at least once.
    public var pending: Int
    public var failing: Int

    public var isEnabled: Bool { disabledAt == nil }

    enum CodingKeys: String, CodingKey { case collectivite, url, keyGeneration, disabledAt, disabledReason, createdAt, pending, failing }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        commune = try c.decode(String.self, forKey: .collectivite)
        url = try c.decode(String.self, forKey: .url)
        keyGeneration = try c.decode(Int.self, forKey: .keyGeneration)
        disabledAt = try c.decodeIfPresent(Int64.self, forKey: .disabledAt).map(Date.init(millis:))
        disabledReason = try c.decodeIfPresent(String.self, forKey: .disabledReason)
        createdAt = Date(millis: try c.decode(Int64.self, forKey: .createdAt))
        pending = try c.decodeIfPresent(Int.self, forKey: .pending) ?? 0
        failing = try c.decodeIfPresent(Int.self, forKey: .failing) ?? 0
    }
}

/// One event of the connectors' journal.
public struct ConnectorDelivery: Sendable, Equatable, Decodable {
    public var id: String
    public var commune: String
    public var demandeID: String
    public var number: String?
    public var position: Int
    public var event: Connector.Event
    public var payload: String
    public var attempts: Int
    public var nextAttemptAt: Date
    public var firstFailedAt: Date?
    public var deliveredAt: Date?
    public var lastStatus: Int?
    public var lastError: String?
    public var createdAt: Date

    enum CodingKeys: String, CodingKey {
        case id, collectivite, demandeId, number, position, event, payload, attempts, nextAttemptAt, firstFailedAt, deliveredAt, lastStatus,
             lastError, createdAt
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        func date(_ key: CodingKeys) throws -> Date? { try c.decodeIfPresent(Int64.self, forKey: key).map(Date.init(millis:)) }
        id = try c.decode(String.self, forKey: .id)
        commune = try c.decode(String.self, forKey: .collectivite)
        demandeID = try c.decode(String.self, forKey: .demandeId)
        number = try c.decodeIfPresent(String.self, forKey: .number)
        position = try c.decode(Int.self, forKey: .position)
        event = Connector.Event(rawValue: try c.decode(String.self, forKey: .event)) ?? .status
        payload = try c.decode(String.self, forKey: .payload)
        attempts = try c.decode(Int.self, forKey: .attempts)
        nextAttemptAt = try date(.nextAttemptAt) ?? Date(timeIntervalSince1970: 0)
        firstFailedAt = try date(.firstFailedAt)
        deliveredAt = try date(.deliveredAt)
        lastStatus = try c.decodeIfPresent(Int.self, forKey: .lastStatus)
        lastError = try c.decodeIfPresent(String.self, forKey: .lastError)
        createdAt = try date(.createdAt) ?? Date(timeIntervalSince1970: 0)
    }
}

extension Store {
    // MARK: - The Métropole's admins

    /// Every connector, with its journal's counts (the platform's: a commune's admin would see other tenants').
    public func connectors(in scope: TenantScope) async throws -> [StoredConnector] {
        try scope.requirePlatform()
        return try await connectors(where: "1 = 1")
    }

    public func connector(commune: String, in scope: TenantScope) async throws -> StoredConnector? {
        try scope.requirePlatform()
        return try await connectors(where: "k.collectivite = \(bind: commune)").first
    }

    private func connectors(where condition: SQLQueryString) async throws -> [StoredConnector] {
        try await sql.raw("""
            SELECT k.collectivite, k.url, k.key_generation, k.disabled_at, k.disabled_reason, k.created_at,
                   (SELECT COUNT(*) FROM connector_deliveries c WHERE c.collectivite = k.collectivite AND c.delivered_at IS NULL) AS pending,
                   (SELECT COUNT(*) FROM connector_deliveries c WHERE c.collectivite = k.collectivite AND c.delivered_at IS NULL AND c.attempts > 0) AS failing
            FROM connectors k WHERE \(condition) ORDER BY k.collectivite
            """).all(decoding: StoredConnector.self, keyDecodingStrategy: .convertFromSnakeCase)
    }

    /// Whether relays to this commune go through its connector (`Relay.channel(for:hasConnector:)`).
    public func hasConnector(commune: String) async throws -> Bool {
        try await sql.raw("SELECT 1 AS one FROM connectors WHERE collectivite = \(bind: commune)").first() != nil
    }

    /// Sets up a commune's connector, or changes its URL. Returns the token its software calls the API with,
    /// in clear this once, when the connector is new (kept hashed).
    public func saveConnector(commune: String, url: String, in scope: TenantScope) async throws -> String? {
        try scope.requirePlatform()
        let now = nowMillis, token = Secret.token()
        return try await write { sql in
            let changed = try await sql.raw("""
                UPDATE connectors SET url = \(bind: url), updated_at = \(bind: now) WHERE collectivite = \(bind: commune) RETURNING collectivite
                """).first() != nil
            if changed { return nil }
            try await Self.insertRows(into: "connectors", columns: ["collectivite", "url", "token_hash", "key_generation", "created_at", "updated_at"],
                                      [[commune, url, Secret.hash(token), 1, now, now]], on: sql)
            return token
        }
    }

    /// A new API token and a new signing key (the old ones stop working at once). Returns the token in clear.
    public func rotateConnectorCredentials(commune: String, in scope: TenantScope) async throws -> String {
        try scope.requirePlatform()
        let now = nowMillis, token = Secret.token()
        let rotated = try await write { sql in
            try await sql.raw("""
                UPDATE connectors SET token_hash = \(bind: Secret.hash(token)), key_generation = key_generation + 1, updated_at = \(bind: now)
                WHERE collectivite = \(bind: commune) RETURNING collectivite
                """).first() != nil
        }
        guard rotated else { throw StoreError.notFound }
        return token
    }

    /// Stops deliveries (`reason` says why) or starts them again: then what waits is due at once, and the
    /// failure clock starts afresh.
    public func setConnector(commune: String, enabled: Bool, reason: String, in scope: TenantScope) async throws {
        try scope.requirePlatform()
        let now = nowMillis
        try await write { sql in
            if enabled {
                try await sql.raw("UPDATE connectors SET disabled_at = NULL, disabled_reason = NULL, updated_at = \(bind: now) WHERE collectivite = \(bind: commune)").run()
                try await sql.raw("""
                    UPDATE connector_deliveries SET next_attempt_at = \(bind: now), first_failed_at = NULL
                    WHERE collectivite = \(bind: commune) AND delivered_at IS NULL
                    """).run()
            } else {
                try await sql.raw("""
                    UPDATE connectors SET disabled_at = \(bind: now), disabled_reason = \(bind: reason), updated_at = \(bind: now)
                    WHERE collectivite = \(bind: commune) AND disabled_at IS NULL
                    """).run()
            }
        }
    }

    public enum DeliveryFilter: String, Sendable, CaseIterable { case all = "tous", pending = "en-attente", failing = "en-echec" }

    /// The newest 200 events of a connector's journal.
    public func connectorDeliveries(commune: String, _ filter: DeliveryFilter, in scope: TenantScope) async throws -> [ConnectorDelivery] {
        try scope.requirePlatform()
        let condition: String = switch filter {
        case .all: "1 = 1"
        case .pending: "c.delivered_at IS NULL"
        case .failing: "c.delivered_at IS NULL AND c.attempts > 0"
        }
        return try await sql.raw("""
            \(unsafeRaw: Self.deliveryColumns) WHERE c.collectivite = \(bind: commune) AND \(unsafeRaw: condition)
            ORDER BY c.created_at DESC, c.position DESC LIMIT 200
            """).all(decoding: ConnectorDelivery.self, keyDecodingStrategy: .convertFromSnakeCase)
    }

    /// Sends an event again (the receiver lost it, say): due now, with the same idempotency key, so a receiver
    /// that did keep it recognises the repeat.
    public func replayDelivery(id: String, commune: String, in scope: TenantScope) async throws {
        try scope.requirePlatform()
        let now = nowMillis
        let replayed = try await write { sql in
            try await sql.raw("""
                UPDATE connector_deliveries SET delivered_at = NULL, attempts = 0, first_failed_at = NULL, last_error = NULL,
                    next_attempt_at = \(bind: now), claimed_until = NULL
                WHERE id = \(bind: id) AND collectivite = \(bind: commune) RETURNING id
                """).first() != nil
        }
        if !replayed { throw StoreError.notFound }
    }

    // MARK: - The inbound API

    /// The commune whose connector this token is, if any.
    public func connectorCommune(token: String) async throws -> String? {
        guard Secret.isToken(token) else { return nil }
        return try await sql.raw("SELECT collectivite FROM connectors WHERE token_hash = \(bind: Secret.hash(token))")
            .first(decodingColumn: "collectivite", as: String.self)
    }

    /// The request relayed to `commune` through its connector under this number, with its relay, while the
    /// relay lasts (a re-route elsewhere ends it).
    public func connectorDemande(number: String, commune: String) async throws -> (relay: StoredRelay, demande: DemandeDetail)? {
        guard let relay = try await sql.raw("""
            \(unsafeRaw: Self.relayColumns)
            WHERE d.number = \(bind: number) AND r.collectivite = \(bind: commune) AND r.channel = 'connector' AND r.expires_at > \(bind: nowMillis)
            ORDER BY r.created_at DESC LIMIT 1
            """).first(decoding: StoredRelay.self, keyDecodingStrategy: .convertFromSnakeCase),
              let demande = try await loadDemande(whereClause: "d.id = ", relay.demandeID, collectivite: nil) else { return nil }
        return (relay, demande)
    }

    public func setRelayReference(_ relay: StoredRelay, reference: String) async throws {
        try await write { sql in
            try await sql.raw("UPDATE relays SET reference = \(bind: reference) WHERE id = \(bind: relay.id)").run()
        }
    }

    /// What the inbound API answered to this key, if it did: the status (0 while the first call is still being
    /// processed) and body, and whether the request was the same.
    public struct Receipt: Sendable, Equatable { public var status: Int; public var response: String; public var sameRequest: Bool }

    /// Claims an idempotency key for a request (by its hash): nil when the key is new and now this call's, or
    /// what an earlier call with it got.
    public func claimIdempotencyKey(_ key: String, commune: String, requestHash: String) async throws -> Receipt? {
        let now = nowMillis
        return try await write { sql in
            struct Row: Decodable { var requestHash: String; var status: Int; var response: String }
            if let row = try await sql.raw("""
                SELECT request_hash, status, response FROM connector_receipts WHERE collectivite = \(bind: commune) AND idempotency_key = \(bind: key)
                """).first(decoding: Row.self, keyDecodingStrategy: .convertFromSnakeCase) {
                return Receipt(status: row.status, response: row.response, sameRequest: row.requestHash == requestHash)
            }
            try await Self.insertRows(into: "connector_receipts", columns: ["collectivite", "idempotency_key", "request_hash", "status", "response", "created_at"],
                                      [[commune, key, requestHash, 0, "", now]], on: sql)
            return nil
        }
    }

    /// Records the answer given to a claimed key; `nil` gives the key back (the call failed on the server's
    /// side, and may be tried again).
    public func settleIdempotencyKey(_ key: String, commune: String, status: Int?, response: String) async throws {
        try await write { sql in
            if let status {
                try await sql.raw("""
                    UPDATE connector_receipts SET status = \(bind: status), response = \(bind: response)
                    WHERE collectivite = \(bind: commune) AND idempotency_key = \(bind: key)
                    """).run()
            } else {
                try await sql.raw("DELETE FROM connector_receipts WHERE collectivite = \(bind: commune) AND idempotency_key = \(bind: key)").run()
            }
        }
    }

    // MARK: - Queueing events, inside the caller's transaction

    static let deliveryColumns = """
        SELECT c.id, c.collectivite, c.demande_id, d.number, c.position, c.event, c.payload, c.attempts, c.next_attempt_at, c.first_failed_at,
               c.delivered_at, c.last_status, c.last_error, c.created_at
        FROM connector_deliveries c LEFT JOIN demandes d ON d.id = c.demande_id
        """

    static let deliveryInsertColumns = ["id", "collectivite", "demande_id", "position", "event", "payload", "attempts", "next_attempt_at", "created_at"]

    static func deliveryRow(commune: String, demandeID: String, position: Int, notice: ConnectorNotice, at now: Int64) -> [any Encodable & Sendable] {
        [newID(), commune, demandeID, position, notice.type.rawValue, notice.json(), 0, now, now]
    }

    /// Queues `notice` for every connector the request is relayed to now (at most one: a request is routed to
    /// one commune). Only requests routed away from where they were filed can have one, so the others cost nothing.
    func queueConnectorNotice(_ notice: ConnectorNotice, of detail: DemandeDetail, position: Int, at now: Int64, on sql: any SQLDatabase) async throws {
        guard let routedTo = detail.routing?.collectivite, routedTo != detail.collectivite else { return }
        let communes = try await sql.raw("""
            SELECT collectivite FROM relays WHERE demande_id = \(bind: detail.id) AND channel = 'connector' AND expires_at > \(bind: now) AND closed_at IS NULL
            """).all(decodingColumn: "collectivite", as: String.self)
        try await Self.insertRows(into: "connector_deliveries", columns: Self.deliveryInsertColumns,
                                  communes.map { Self.deliveryRow(commune: $0, demandeID: detail.id, position: position, notice: notice, at: now) }, on: sql)
    }

    func statusLabel(_ status: String, of detail: DemandeDetail) -> String {
        detail.demarche.definition.workflow.status(status)?.label ?? status
    }

    // MARK: - The worker

    /// Claims up to `limit` deliveries due now, each the oldest undelivered event of its request for its
    /// connector (so a request's events go in order, and one failing holds back the ones after it only), of
    /// connectors that run.
    public func claimConnectorDeliveries(limit: Int, lease: TimeInterval) async throws -> [ConnectorDelivery] {
        let due = Claim(table: "connector_deliveries", dueColumn: "next_attempt_at", condition: """
            delivered_at IS NULL
            AND collectivite IN (SELECT collectivite FROM connectors WHERE disabled_at IS NULL)
            AND NOT EXISTS (SELECT 1 FROM connector_deliveries p WHERE p.demande_id = connector_deliveries.demande_id
                            AND p.collectivite = connector_deliveries.collectivite AND p.delivered_at IS NULL
                            AND p.position < connector_deliveries.position)
            """, order: "created_at, position",
            returning: "id, collectivite, demande_id, NULL AS number, position, event, payload, attempts, next_attempt_at, first_failed_at, delivered_at, last_status, last_error, created_at",
            claimColumn: "claimed_until")
        return try await claim(due, limit: limit, lease: lease, as: ConnectorDelivery.self).sorted { ($0.createdAt, $0.position) < ($1.createdAt, $1.position) }
    }

    /// Where each running connector posts, and its signing key's generation.
    public func connectorTargets() async throws -> [String: (url: String, keyGeneration: Int)] {
        struct Row: Decodable { var collectivite: String; var url: String; var keyGeneration: Int }
        let rows = try await sql.raw("SELECT collectivite, url, key_generation FROM connectors WHERE disabled_at IS NULL")
            .all(decoding: Row.self, keyDecodingStrategy: .convertFromSnakeCase)
        return Dictionary(rows.map { ($0.collectivite, ($0.url, $0.keyGeneration)) }, uniquingKeysWith: { a, _ in a })
    }

    public func markConnectorDelivered(_ id: String, status: Int) async throws {
        let now = nowMillis
        try await write { sql in
            try await sql.raw("""
                UPDATE connector_deliveries SET delivered_at = \(bind: now), last_status = \(bind: status), last_error = NULL, claimed_until = NULL
                WHERE id = \(bind: id)
                """).run()
        }
    }

    /// Records a failed attempt and its retry; when the connector has been failing for `Connector.disableAfter`,
    /// stops it and e-mails the Métropole's admins (`alert`), once. Returns whether it was stopped now.
    @discardableResult
    public func markConnectorFailed(_ delivery: ConnectorDelivery, status: Int?, error: String,
                                    alert: @escaping @Sendable (_ to: String, _ commune: (slug: String, name: String), _ since: Date, _ error: String) -> OutboxMail) async throws -> Bool {
        let now = nowMillis
        let failingSince = delivery.firstFailedAt ?? clock()
        let retry = now + Int64(Connector.retryDelay(afterAttempts: delivery.attempts + 1) * 1000)
        let disable = Connector.shouldDisable(failingSince: failingSince, now: clock())
        let error = String(error.prefix(500))
        let name = disable ? try await collectivite(slug: delivery.commune)?.name ?? delivery.commune : delivery.commune
        return try await write { sql in
            try await sql.raw("""
                UPDATE connector_deliveries SET attempts = attempts + 1, last_status = \(bind: status), last_error = \(bind: error),
                    first_failed_at = \(bind: Self.millis(failingSince)), next_attempt_at = \(bind: retry), claimed_until = NULL
                WHERE id = \(bind: delivery.id)
                """).run()
            guard disable else { return false }
            let stopped = try await sql.raw("""
                UPDATE connectors SET disabled_at = \(bind: now), disabled_reason = \(bind: "Échecs répétés depuis le \(Value.date(Self.lyonDay(failingSince)).frenchText) : \(error)"),
                    updated_at = \(bind: now)
                WHERE collectivite = \(bind: delivery.commune) AND disabled_at IS NULL RETURNING collectivite
                """).first() != nil
            guard stopped else { return false }
            let admins = try await sql.raw("""
                SELECT DISTINCT a.email FROM agent_roles r JOIN accounts a ON a.id = r.account_id
                WHERE r.collectivite = \(bind: TerritoryData.metropoleSlug) AND r.role = \(bind: TenantScope.adminRole) ORDER BY a.email
                """).all(decodingColumn: "email", as: String.self)
            try await Self.insertOutbox(admins.map { alert($0, (delivery.commune, name), failingSince, error) }, at: now, on: sql)
            return true
        }
    }

}
