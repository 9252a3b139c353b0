import FluentKit
import Foundation
import Identity
import Logging
import OpenIDConnect
import SQLKit
import Territory

/// The database as Guichet's code sees it: raw SQL through SQLKit (portable between SQLite and PostgreSQL),
/// write transactions, and the clock. Every query lives in this target, in its capability's folder as an
/// extension of `Store`; callers use the typed functions. `Store` itself holds only what they all share, and each
/// capability's in-memory part (ARCHITECTURE.md, "Adding a capability").
public struct Store: Sendable {
    // What every capability shares.
    /// A database handle per call: Fluent binds handles to an event loop, and each loop has its own pool.
    let database: @Sendable () -> any Database
    let gate: WriteGate?
    public let files: FileVault
    public let clock: @Sendable () -> Date
    /// How tracking codes are stored: keyed with the server's secret.
    let codes: TrackingCodeHash
    /// How TOTP keys are kept: sealed with the server's secret.
    let secondFactorSeal: SecretSeal
    let logger = Logger(label: "guichet.store")
    /// How this process's caches and the other processes' on the same database void each other's entries.
    public let cacheBus: CacheBus

    // Each capability's own part, defined in its folder: what it keeps in memory and how it is set up.
    /// Territory/: the collectivités.
    let territoryState: TerritoryState
    /// Demarches/: definitions by version, each collectivité's démarche list.
    let demarcheState: DemarcheState
    /// DataSources/: each collectivité's sources, URL sources' last answers, definitions with their items.
    let sourceState: DataSourceState
    /// Drafts/: how long a draft is kept.
    let draftState: DraftState
    /// Demandes/: the inbox's counts per status, the requests being filed (group commit).
    let demandeState: DemandeState
    /// Outbox/: the wording of the e-mails workflows cause, the deliveries being marked sent.
    let mails: WorkflowMails
    let outboxState: OutboxState
    /// OpenIDConnect/: the registered applications, the signing keys in use, how private keys are kept.
    let openIDState: OpenIDState
    /// Routing/: the router built from the territory, the categories of competence and the rules.
    let routingState: RoutingState

    /// - Parameter serialiseWrites: true for SQLite, which takes one writer at a time: queuing writers here, in
    ///   process, avoids the deadlock SQLite reports when two deferred transactions both try to upgrade to a write.
    /// - Parameter readSource: how URL data sources are read; without one, they offer no items.
    /// - Parameter draftLifetimeDays: how long a form draft is kept after its last save.
    /// - Parameter sharedDatabase: other processes may use the same database (PostgreSQL): cache changes are announced.
    /// - Parameter keyCustody: where the identity provider's private keys are kept; by default sealed under a secret
    ///   made for this process (tests).
    public init(database: @escaping @Sendable () -> any Database, files: FileVault, serialiseWrites: Bool, mails: WorkflowMails,
                clock: @escaping @Sendable () -> Date = Date.init,
                readSource: @escaping SourceReader = { _, _ in throw StoreError.conflict("no source reader") },
                draftLifetimeDays: Int = 30, serverSecret: Data = Data(Secret.token().utf8), sharedDatabase: Bool = false,
                keyCustody: KeyCustody = .sealed(KeySeal(secret: Secret.token()))) {
        let gate = serialiseWrites ? WriteGate() : nil
        let bus = CacheBus(broadcasts: sharedDatabase)
        self.cacheBus = bus
        self.territoryState = TerritoryState(bus: bus)
        self.demarcheState = DemarcheState(bus: bus)
        self.routingState = RoutingState(bus: bus)
        self.database = database
        self.gate = gate
        self.files = files
        self.clock = clock
        self.codes = TrackingCodeHash(serverSecret: serverSecret)
        self.secondFactorSeal = SecretSeal(serverSecret: serverSecret, purpose: "second-factor")
        self.mails = mails
        self.sourceState = DataSourceState(read: readSource, bus: bus)
        self.draftState = DraftState(lifetimeDays: draftLifetimeDays)
        self.openIDState = OpenIDState(custody: keyCustody, serverSecret: serverSecret, bus: bus) { writes in
            try await Self.write(on: database, gate: gate) { sql in try await Self.apply(writes, on: sql) }
        }
        self.demandeState = DemandeState(bus: bus) { batch in
            try await Self.write(on: database, gate: gate) { sql in try await Self.file(batch, on: sql) }
        }
        self.outboxState = OutboxState(
            markSent: { ids in try await Self.write(on: database, gate: gate) { sql in try await Self.markSent(ids, at: Self.millis(clock()), on: sql) } },
            markFailed: { marks in try await Self.write(on: database, gate: gate) { sql in try await Self.markFailed(marks, on: sql) } })
    }

    var sql: any SQLDatabase { database() as! any SQLDatabase }

    var nowMillis: Int64 { Self.millis(clock()) }

    static func millis(_ date: Date) -> Int64 { Int64((date.timeIntervalSince1970 * 1000).rounded()) }

    /// Runs `body` in one transaction: everything it writes is committed together, or nothing is.
    func write<T: Sendable>(_ body: @escaping @Sendable (any SQLDatabase) async throws -> T) async throws -> T {
        try await Self.write(on: database, gate: gate, body)
    }

    private static func write<T: Sendable>(on database: @Sendable () -> any Database, gate: WriteGate?,
                                           _ body: @escaping @Sendable (any SQLDatabase) async throws -> T) async throws -> T {
        if let gate { await gate.enter() }
        do {
            let result = try await database().transaction { tx in try await body(tx as! any SQLDatabase) }
            await gate?.leave()
            return result
        } catch {
            await gate?.leave()
            throw error
        }
    }

    /// `INSERT INTO table (columns) VALUES (…), (…), …`: one statement for many rows, sliced so that no statement
    /// comes near either database's limit on bound parameters (32,766 for SQLite, 65,535 for PostgreSQL).
    static func insertRows(into table: String, columns: [String], _ rows: [[any Encodable & Sendable]],
                           on sql: any SQLDatabase) async throws {
        let perStatement = max(1, 16_000 / max(columns.count, 1))
        for start in stride(from: 0, to: rows.count, by: perStatement) {
            let insert = sql.insert(into: table).columns(columns)
            for row in rows[start..<min(start + perStatement, rows.count)] { insert.values(row) }
            try await insert.run()
        }
    }

    /// Whether the database answers; for `/readyz`.
    public func ping() async -> Bool {
        (try? await sql.raw("SELECT 1 AS one").first(decodingColumn: "one", as: Int.self)) == 1
    }
}

/// Errors the store reports to callers in domain terms.
public enum StoreError: Error, Equatable, Sendable {
    case notFound
    case conflict(String)
    case forbidden
}

extension Date {
    init(millis: Int64) { self.init(timeIntervalSince1970: Double(millis) / 1000) }
}

func newID() -> String { UUID().uuidString.lowercased() }

let jsonEncoder: JSONEncoder = {
    let e = JSONEncoder()
    e.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    return e
}()

func jsonText<T: Encodable>(_ value: T) throws -> String { String(decoding: try jsonEncoder.encode(value), as: UTF8.self) }
func fromJSON<T: Decodable>(_ type: T.Type, _ text: String) throws -> T { try JSONDecoder().decode(type, from: Data(text.utf8)) }
