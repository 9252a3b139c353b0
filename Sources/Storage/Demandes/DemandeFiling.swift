import Demarches
import Foundation
import Identity
import Routing
import SQLKit
import Territory

extension Store {
    /// Files a request: its number, row, first history entry, files and the e-mails `mails` composes are written
    /// in one transaction, shared with the other requests filed at the same moment (`GroupCommit`); returns once
    /// it has committed. Files' bytes are written to the vault just before.
    public func submit(_ new: NewDemande, in scope: TenantScope,
                       mails: @escaping @Sendable (FiledDemande) -> [OutboxMail]) async throws -> FiledDemande {
        for (file, bytes) in new.files { try files.write(id: file.id, bytes: bytes) }
        var pending = try PendingFiling(new, in: scope, at: clock(), codes: codes, mails: mails)
        if new.demarche.definition.workflow.startsWithWork {
            let store = self, at = pending.at
            pending.startWorkflow = { filed, sql in try await store.startWorkflow(of: new, filed: filed, in: scope, at: at, on: sql) }
        }
        let filed = try await demandeState.filings.submit(pending)
        demandeState.inboxCounts.invalidate(scope.slug)
        return filed
    }

    /// Requests filed since start and the transactions that wrote them.
    public func filingCounts() async -> (requests: Int, transactions: Int) {
        let committed = await demandeState.filings.committed
        return (committed.items, committed.batches)
    }

    /// Writes a batch of requests with a handful of statements whatever its size: one counter update per
    /// collectivité and year, then one multi-row insert per table.
    static func file(_ batch: [PendingFiling], on sql: any SQLDatabase) async throws -> [FiledDemande] {
        var numbers = [String](repeating: "", count: batch.count)
        let byCounter = Dictionary(grouping: batch.indices) { CounterKey(collectivite: batch[$0].collectivite, year: batch[$0].year) }
        for (key, indices) in byCounter.sorted(by: { ($0.key.collectivite, $0.key.year) < ($1.key.collectivite, $1.key.year) }) {
            let last = try await sql.raw("""
                INSERT INTO counters (collectivite, year, value) VALUES (\(bind: key.collectivite), \(bind: key.year), \(bind: indices.count))
                ON CONFLICT (collectivite, year) DO UPDATE SET value = counters.value + \(bind: indices.count) RETURNING value
                """).first(decodingColumn: "value", as: Int.self) ?? indices.count
            for (offset, index) in indices.enumerated() {
                let pending = batch[index]
                numbers[index] = RequestNumber.format(prefix: pending.prefix, year: key.year, sequence: last - indices.count + 1 + offset)
            }
        }
        var filed = zip(batch, numbers).map { pending, number in
            FiledDemande(id: pending.id, number: number, trackingCode: pending.trackingCode, status: pending.status,
                         submittedAt: Date(millis: pending.at))
        }
        try await insertRows(into: "demandes", columns: [
            "id", "collectivite", "demarche_id", "demarche_version", "number", "status", "account_id", "email",
            "tracking_hash", "data", "search_text", "submitted_at", "updated_at", "submission_key",
            "category", "routed_to", "routed_service", "assigned_role",
        ], batch.indices.map { i in
            let p = batch[i]
            return [p.id, p.collectivite, p.demarcheID, p.demarcheVersion, numbers[i], p.status, p.accountID, p.email,
                    p.trackingHash, p.data, SearchWords.digest(number: numbers[i], answers: p.searchAnswers), p.at, p.at,
                    p.submissionKey, p.routing?.category?.id, p.routing?.collectivite.slug, p.routing?.service,
                    // The service routing chose holds it from the start; the workflow's own assignment, if any, follows.
                    p.routing?.service]
        }, on: sql)
        // The first line of the history says who answers for the request, and why.
        try await insertRows(into: "demande_events", columns: eventColumns, batch.map { p in
            eventRow(demandeID: p.id, seq: 1, kind: .submitted, actor: .citizen(p.accountID, name: p.submitterName),
                     from: nil, to: p.status, body: p.routing?.explanation, at: p.at)
        }, on: sql)
        try await insertRows(into: "demande_files", columns: fileColumns,
                             batch.flatMap { p in p.files.map { fileRow($0.file, demandeID: p.id, fieldID: $0.fieldID) } }, on: sql)
        try await insertOutbox(zip(batch, filed).flatMap { pending, filed in pending.mails(filed) },
                               at: batch.map(\.at).max() ?? 0, on: sql)
        try await insertRelays(zip(batch, filed).compactMap { pending, filed in pending.relay.map { ($0, filed, 2) } },
                               at: batch.map(\.at).max() ?? 0, on: sql)
        for i in batch.indices {
            if let start = batch[i].startWorkflow { filed[i].status = try await start(filed[i], sql) }
        }
        return filed
    }

    /// Runs what a workflow does when a request enters it (actions of the initial status, automatic transitions,
    /// timers, the legal deadline), in the filing's transaction. Returns the status the request ends in.
    func startWorkflow(of new: NewDemande, filed: FiledDemande, in scope: TenantScope, at: Int64, on sql: any SQLDatabase) async throws -> String {
        let definition = new.demarche.definition
        let detail = DemandeDetail(id: filed.id, collectivite: scope.slug, number: filed.number, status: filed.status,
                                   demarcheSlug: definition.slug, demarche: new.demarche, accountID: new.accountID, email: new.email,
                                   data: new.values, submittedAt: filed.submittedAt, updatedAt: filed.submittedAt, events: [],
                                   files: new.files.map(\.0), backOffice: [:], assignedRole: nil, assignedAgent: nil,
                                   correction: nil, correctionThen: nil, updatedMillis: at, documents: [])
        let run = engine(for: definition).file(values: values(of: detail), now: filed.submittedAt)
        if let deadline = definition.workflow.deadline {
            try await Self.insertRows(into: "timers", columns: Self.timerColumns, [
                Self.timerRow(demandeID: filed.id, kind: "deadline", transitionID: nil, status: filed.status,
                              due: deadline.delay.after(filed.submittedAt, in: LocalTime.calendar)),
            ], on: sql)
        }
        // Files a deletion removes are gone with the transaction; their bytes are orphans, which is harmless.
        _ = try await apply(run, to: detail, actor: .system, at: at, on: sql)
        return run.deleted ? filed.status : run.status
    }

    static let fileColumns = ["id", "demande_id", "field_id", "filename", "content_type", "size"]

    static func fileRow(_ file: StoredFile, demandeID: String, fieldID: String) -> [any Encodable & Sendable] {
        [file.id, demandeID, fieldID, file.filename, file.contentType, file.size]
    }

    private struct CounterKey: Hashable { var collectivite: String; var year: Int }
}

/// A request ready to be written: everything is decided but its number, which the batch allocates.
struct PendingFiling: Sendable {
    var id = newID()
    var collectivite: String
    var prefix: String
    var year: Int
    var demarcheID: String
    var demarcheVersion: Int
    var status: String
    var accountID: String?
    var submitterName: String
    var email: String
    var trackingCode: String
    var trackingHash: String
    var data: String
    var searchAnswers: String
    var at: Int64
    var files: [(file: StoredFile, fieldID: String)]
    var submissionKey: String?
    var routing: RoutingDecision?
    var relay: RelayOrder?
    var mails: @Sendable (FiledDemande) -> [OutboxMail]
    /// Set when the workflow has something to do on filing; runs in the batch's transaction once numbered.
    var startWorkflow: (@Sendable (FiledDemande, any SQLDatabase) async throws -> String)?

    init(_ new: NewDemande, in scope: TenantScope, at date: Date, codes: TrackingCodeHash, mails: @escaping @Sendable (FiledDemande) -> [OutboxMail]) throws {
        collectivite = scope.slug
        prefix = scope.collectivite.requestPrefix
        year = LocalTime.calendar.component(.year, from: date)
        demarcheID = new.demarche.id
        demarcheVersion = new.demarche.version
        status = new.demarche.definition.workflow.initialStatus
        accountID = new.accountID
        submitterName = new.submitterName
        email = new.email
        trackingCode = Secret.trackingCode()
        trackingHash = codes.hash(trackingCode)
        data = try jsonText(new.values)
        searchAnswers = SearchWords.answers(email: new.email, values: new.values)
        at = Int64((date.timeIntervalSince1970 * 1000).rounded())
        // Every file the answers hold, uploaded now or kept from an earlier page of the same filing.
        files = FieldValue.files(in: new.values)
        submissionKey = new.submissionKey
        routing = new.routing
        relay = new.relay
        self.mails = mails
    }
}

extension Store {
    /// The request a form submission filed, by the submission's one-time key: a form sent again finds it.
    public func demandeNumber(submissionKey: String, in scope: TenantScope) async throws -> String? {
        try await sql.raw("""
            SELECT number FROM demandes WHERE submission_key = \(bind: submissionKey) AND collectivite = \(bind: scope.slug)
            """).first(decodingColumn: "number", as: String.self)
    }

    /// The number of a request this account already filed for the démarche (any version): any such request, or
    /// only one not yet in an end status; for « une demande par personne ».
    public func earlierDemande(accountID: String, demarcheID: String, openOnly: Bool, in scope: TenantScope) async throws -> String? {
        struct Row: Decodable { var number: String; var status: String; var demarcheVersion: Int }
        let rows = try await sql.raw("""
            SELECT number, status, demarche_version FROM demandes
            WHERE account_id = \(bind: accountID) AND demarche_id = \(bind: demarcheID) AND collectivite = \(bind: scope.slug)
            ORDER BY submitted_at DESC
            """).all(decoding: Row.self, keyDecodingStrategy: .convertFromSnakeCase)
        for row in rows {
            guard openOnly else { return row.number }
            // Each request's end statuses are those of the version it was filed under.
            let definition = try await definition(demarcheID: demarcheID, version: row.demarcheVersion)
            if definition.workflow.status(row.status)?.isEnd != true { return row.number }
        }
        return nil
    }
}
