import Foundation
import Identity
import Routing
import SQLKit
import Territory
import Workflow

/// A request relayed to a commune, as the Métropole follows it.
public struct StoredRelay: Sendable, Equatable, Decodable {
    public enum Delivery: Sendable, Equatable {
        /// In the commune's own back-office: nothing to send.
        case inbox
        /// Posted to the commune's software: its connector's journal follows the delivery.
        case connector
        /// No address is known for the commune: nothing could be sent.
        case noAddress
        case waiting
        /// Accepted by the mail server (the date is gone once the outbox forgot the delivered message).
        case sent(Date?)
        case failing(attempts: Int, error: String?)
    }
    public var id: String
    public var demandeID: String
    public var number: String
    /// The commune's slug.
    public var commune: String
    public var channel: Relay.Channel
    public var address: String?
    public var createdAt: Date
    public var expiresAt: Date
    public var acknowledgedAt: Date?
    public var closedAt: Date?
    public var alertedAt: Date?
    public var delivery: Delivery
    /// The commune's own reference for the request, given by its software (connector relays).
    public var reference: String?

    /// Neither acknowledged nor closed: the commune has not said it has it.
    public var isWaiting: Bool { acknowledgedAt == nil && closedAt == nil }

    enum CodingKeys: String, CodingKey {
        case id, demandeId, number, collectivite, channel, address, createdAt, expiresAt, acknowledgedAt, closedAt, alertedAt, outboxId, reference,
             outboxRow, sentAt, attempts, lastError
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        id = try c.decode(String.self, forKey: .id)
        demandeID = try c.decode(String.self, forKey: .demandeId)
        number = try c.decode(String.self, forKey: .number)
        commune = try c.decode(String.self, forKey: .collectivite)
        channel = Relay.Channel(rawValue: try c.decode(String.self, forKey: .channel)) ?? .email
        address = try c.decodeIfPresent(String.self, forKey: .address)
        func date(_ key: CodingKeys) throws -> Date? { try c.decodeIfPresent(Int64.self, forKey: key).map(Date.init(millis:)) }
        createdAt = try date(.createdAt) ?? Date(timeIntervalSince1970: 0)
        expiresAt = try date(.expiresAt) ?? Date(timeIntervalSince1970: 0)
        acknowledgedAt = try date(.acknowledgedAt); closedAt = try date(.closedAt); alertedAt = try date(.alertedAt)
        reference = try c.decodeIfPresent(String.self, forKey: .reference)
        if channel == .inbox {
            delivery = .inbox
        } else if channel == .connector {
            delivery = .connector
        } else if address == nil {
            delivery = .noAddress
        } else if try c.decodeIfPresent(String.self, forKey: .outboxRow) == nil {
            delivery = .sent(nil)  // delivered, then purged after the outbox's retention
        } else if let sent = try date(.sentAt) {
            delivery = .sent(sent)
        } else if let attempts = try c.decodeIfPresent(Int.self, forKey: .attempts), attempts > 0 {
            delivery = .failing(attempts: attempts, error: try c.decodeIfPresent(String.self, forKey: .lastError))
        } else {
            delivery = .waiting
        }
    }
}

/// What a relay page may refuse.
public enum RelayRefusal: Error, Equatable {
    /// The request is closed already.
    case closed
    /// Its workflow reaches no favourable end from where it is (only a refusal, say): the Métropole's agents close it.
    case noWayToClose

    public var message: String {
        switch self {
        case .closed: "Cette demande est déjà close."
        case .noWayToClose: "Le circuit de cette démarche ne permet pas de la clore d'ici. Répondez à l'usager : les agents de la Métropole la cloront."
        }
    }
}

extension Store {
    /// Deliveries failing this many times alert the Métropole before the unacknowledged delay.
    static let relayFailuresBeforeAlert = 3

    /// Records relays in the caller's transaction (a filing batch, a re-route), with a multi-row insert per
    /// table whatever their number: each relay's e-mail (with an id the relay follows), its row, its history
    /// line at `seq`. An address `Email` refuses counts as none, so the outbox never drops a relay silently.
    static func insertRelays(_ items: [(relay: RelayOrder, filed: FiledDemande, seq: Int)], at now: Int64, on sql: any SQLDatabase) async throws {
        guard !items.isEmpty else { return }
        var mails: [(id: String, message: OutboxMessage)] = [], rows: [[any Encodable & Sendable]] = [], events: [[any Encodable & Sendable]] = []
        var notices: [[any Encodable & Sendable]] = []
        for (relay, filed, seq) in items {
            if let notice = relay.notice {
                notices.append(deliveryRow(commune: relay.commune, demandeID: filed.id, position: seq, notice: notice(filed), at: now))
            }
            let address = relay.address.flatMap { Email.isValid($0) ? $0 : nil }
            let outboxID = newID()
            if let mail = relay.mail, address != nil { mails.append((outboxID, .email(mail(filed)))) }
            // Shared into a back-office or a connector, a request stays there for as long as it is routed there
            // (a re-route ends it); a link in an e-mail lasts a while.
            let expires = relay.channel != .email ? Int64.max : now + Int64(Relay.linkLifetimeDays) * 86_400_000
            rows.append([newID(), filed.id, relay.commune, relay.channel.rawValue, address, address == nil ? nil : outboxID,
                         Secret.hash(relay.secret), expires, now])
            let unsent = relay.channel == .email && address == nil
            events.append(eventRow(demandeID: filed.id, seq: seq, kind: .relayed, actor: .system, from: nil, to: nil,
                                   body: unsent ? relay.historyLine + " — aucune adresse connue : la Métropole est alertée." : relay.historyLine,
                                   at: now))
        }
        try await insertOutbox(mails, at: now, on: sql)
        try await insertRows(into: "connector_deliveries", columns: deliveryInsertColumns, notices, on: sql)
        try await insertRows(into: "relays", columns: ["id", "demande_id", "collectivite", "channel", "address", "outbox_id", "secret_hash",
                                                       "expires_at", "created_at"], rows, on: sql)
        try await insertRows(into: "demande_events", columns: eventColumns, events, on: sql)
    }

    static let relayColumns = """
        SELECT r.id, r.demande_id, d.number, r.collectivite, r.channel, r.address, r.created_at, r.expires_at, r.acknowledged_at, r.closed_at,
               r.alerted_at, r.reference, o.id AS outbox_row, o.sent_at, o.attempts, o.last_error
        FROM relays r JOIN demandes d ON d.id = r.demande_id LEFT JOIN outbox o ON o.id = r.outbox_id
        """

    /// The relays of one request, oldest first (the request's page, for agents who already see it).
    public func relays(ofDemande id: String) async throws -> [StoredRelay] {
        try await sql.raw("\(unsafeRaw: Self.relayColumns) WHERE r.demande_id = \(bind: id) ORDER BY r.created_at")
            .all(decoding: StoredRelay.self, keyDecodingStrategy: .convertFromSnakeCase)
    }

    public enum RelayFilter: String, Sendable, CaseIterable { case all = "toutes", waiting = "en-attente", failing = "en-echec" }

    /// The newest relays (at most 200), for the Métropole's admins.
    public func relays(_ filter: RelayFilter, in scope: TenantScope) async throws -> [StoredRelay] {
        try scope.requirePlatform()
        let condition: String = switch filter {
        case .all: "1 = 1"
        case .waiting: "r.acknowledged_at IS NULL AND r.closed_at IS NULL"
        case .failing: "r.closed_at IS NULL AND r.channel = 'email' AND (r.address IS NULL OR (o.sent_at IS NULL AND o.attempts > 0))"
        }
        return try await sql.raw("\(unsafeRaw: Self.relayColumns) WHERE \(unsafeRaw: condition) ORDER BY r.created_at DESC LIMIT 200")
            .all(decoding: StoredRelay.self, keyDecodingStrategy: .convertFromSnakeCase)
    }

    /// The request a relay link opens, with its relay, unless the link is unknown or expired. Only e-mail relays
    /// have a link: an inbox relay's secret is never shown, and opens nothing.
    public func relayedDemande(secret: String) async throws -> (relay: StoredRelay, demande: DemandeDetail)? {
        guard Secret.isToken(secret) else { return nil }
        guard let relay = try await sql.raw("""
            \(unsafeRaw: Self.relayColumns)
            WHERE r.secret_hash = \(bind: Secret.hash(secret)) AND r.channel = 'email' AND r.expires_at > \(bind: nowMillis)
            """).first(decoding: StoredRelay.self, keyDecodingStrategy: .convertFromSnakeCase),
              let demande = try await loadDemande(whereClause: "d.id = ", relay.demandeID, collectivite: nil) else { return nil }
        return (relay, demande)
    }

    /// The town hall says it has the request (once): a history line, and the request leaves its first status
    /// for the next step of its workflow towards a favourable end (« En cours »), as an agent taking it would.
    public func acknowledgeRelay(_ relay: StoredRelay, by actor: Actor) async throws {
        let now = nowMillis
        let first = try await write { sql in
            let marked = try await sql.raw("""
                UPDATE relays SET acknowledged_at = \(bind: now) WHERE id = \(bind: relay.id) AND acknowledged_at IS NULL RETURNING id
                """).first() != nil
            if marked {
                try await self.appendEvent(on: sql, demandeID: relay.demandeID, kind: .relayAcknowledged, actor: actor, from: nil, to: nil,
                                           body: "\(actor.name) a accusé réception de la demande.", at: now)
            }
            return marked
        }
        guard first, let detail = try await loadDemande(whereClause: "d.id = ", relay.demandeID, collectivite: nil) else { return }
        let workflow = detail.demarche.definition.workflow
        guard detail.status == workflow.initialStatus,
              let step = workflow.nextStepToFavourableEnd(among: workflow.availableTransitions(from: detail.status, roles: workflow.roles,
                                                                                            holds: holds(on: detail)), staysOpen: true)
        else { return }
        try await commit(engine(for: detail.demarche.definition).take(step, from: detail.status, values: values(of: detail), now: clock()),
                         to: detail, actor: actor)
        demandeState.inboxCounts.invalidate(detail.collectivite)
    }

    /// The town hall writes to the citizen: in the history as any service's message, e-mailed by `mails`.
    /// Writing is acknowledging.
    public func answerThroughRelay(_ relay: StoredRelay, body: String, by actor: Actor,
                                   mails: @escaping @Sendable (DemandeDetail) -> [OutboxMail]) async throws {
        guard let detail = try await loadDemande(whereClause: "d.id = ", relay.demandeID, collectivite: nil) else { throw StoreError.notFound }
        let now = nowMillis
        try await write { sql in
            try await self.appendEvent(on: sql, demandeID: detail.id, kind: .message, actor: actor, from: nil, to: nil, body: body, at: now)
            try await sql.raw("UPDATE demandes SET updated_at = \(bind: now) WHERE id = \(bind: detail.id)").run()
            try await self.enqueue(mails(detail), on: sql)
        }
        if relay.acknowledgedAt == nil { try await acknowledgeRelay(relay, by: actor) }
    }

    /// The town hall says it is done: the request goes, step by step as the workflow allows (each transition's
    /// actions and e-mails as usual), to a closing status that is not an unfavourable decision. Refused, with
    /// nothing changed, when the request is closed already or its workflow has no such way from where it is.
    public func closeThroughRelay(_ relay: StoredRelay, by actor: Actor) async throws -> Result<Status, RelayRefusal> {
        guard var detail = try await loadDemande(whereClause: "d.id = ", relay.demandeID, collectivite: nil) else { throw StoreError.notFound }
        let workflow = detail.demarche.definition.workflow
        if workflow.status(detail.status)?.isEnd == true { return .failure(.closed) }
        guard workflow.stepsToFavourableEnd[detail.status] != nil else { return .failure(.noWayToClose) }
        if relay.acknowledgedAt == nil { try await acknowledgeRelay(relay, by: actor) }
        // A workflow has few statuses; the bound only guards against a cycle of conditions that never holds.
        for _ in 0..<workflow.statuses.count {
            guard let current = try await loadDemande(whereClause: "d.id = ", relay.demandeID, collectivite: nil) else { throw StoreError.notFound }
            detail = current
            if workflow.status(detail.status)?.isEnd == true { break }
            let available = workflow.availableTransitions(from: detail.status, roles: workflow.roles, holds: holds(on: detail))
            guard let step = workflow.nextStepToFavourableEnd(among: available) else { return .failure(.noWayToClose) }
            try await commit(engine(for: detail.demarche.definition).take(step, from: detail.status, values: values(of: detail), now: clock()),
                             to: detail, actor: actor)
        }
        let now = nowMillis
        try await write { sql in
            try await sql.raw("UPDATE relays SET closed_at = \(bind: now) WHERE id = \(bind: relay.id) AND closed_at IS NULL").run()
        }
        demandeState.inboxCounts.invalidate(detail.collectivite)
        guard let closed = try await loadDemande(whereClause: "d.id = ", relay.demandeID, collectivite: nil),
              let status = workflow.status(closed.status), status.isEnd else { return .failure(.noWayToClose) }
        return .success(status)
    }

    /// Tells the Métropole's admins, once per relay, of relays that could not be sent, keep failing, or stayed
    /// unacknowledged for `hours`: one e-mail per admin listing them. Returns how many relays it reported.
    public func alertStaleRelays(unacknowledgedFor hours: Int,
                                 mail: @escaping @Sendable (_ to: String, _ relays: [StoredRelay]) -> OutboxMail) async throws -> Int {
        let now = nowMillis, cutoff = now - Int64(hours) * 3_600_000
        return try await write { sql in
            let stale = try await sql.raw("""
                \(unsafeRaw: Self.relayColumns)
                WHERE r.alerted_at IS NULL AND r.acknowledged_at IS NULL AND r.closed_at IS NULL
                  AND (r.created_at < \(bind: cutoff)
                       OR (r.channel = 'email' AND (r.address IS NULL OR (o.sent_at IS NULL AND o.attempts >= \(bind: Self.relayFailuresBeforeAlert)))))
                ORDER BY r.created_at LIMIT 500
                """).all(decoding: StoredRelay.self, keyDecodingStrategy: .convertFromSnakeCase)
            guard !stale.isEmpty else { return 0 }
            let admins = try await sql.raw("""
                SELECT DISTINCT a.email FROM agent_roles r JOIN accounts a ON a.id = r.account_id
                WHERE r.collectivite = \(bind: TerritoryData.metropoleSlug) AND r.role = \(bind: TenantScope.adminRole) ORDER BY a.email
                """).all(decodingColumn: "email", as: String.self)
            try await Self.insertOutbox(admins.map { mail($0, stale) }, at: now, on: sql)
            try await sql.raw("UPDATE relays SET alerted_at = \(bind: now) WHERE id IN (\(binds: stale.map(\.id)))").run()
            return stale.count
        }
    }
}

extension Store {
    /// A commune's agent opens a request shared into its back-office: the first time is its acknowledgement, in
    /// the relay and the history. True when this was that first time.
    @discardableResult
    public func markSharedRequestOpened(_ detail: DemandeDetail, in scope: TenantScope, by actor: Actor) async throws -> Bool {
        guard detail.sharedWith == scope.slug else { return false }
        let now = nowMillis
        let name = try await collectivite(slug: scope.slug)?.name ?? scope.slug
        return try await write { sql in
            let marked = try await sql.raw("""
                UPDATE relays SET acknowledged_at = \(bind: now)
                WHERE demande_id = \(bind: detail.id) AND collectivite = \(bind: scope.slug) AND channel = 'inbox' AND acknowledged_at IS NULL
                RETURNING id
                """).first() != nil
            if marked {
                try await self.appendEvent(on: sql, demandeID: detail.id, kind: .relayAcknowledged, actor: actor, from: nil, to: nil,
                                           body: "Ouverte par la mairie \(FrenchName.de(name)).", at: now)
            }
            return marked
        }
    }
}
