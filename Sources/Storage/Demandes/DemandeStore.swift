import Demarches
import Foundation
import Identity
import SQLKit
import Workflow

extension Store {
    /// A request of the scope's collectivité, if the agent's roles let them see its démarche; or one another
    /// collectivité relayed into this one's back-office, if it is for the agent's service (or has none).
    public func demande(number: String, in scope: TenantScope) async throws -> DemandeDetail? {
        guard let detail = try await loadDemande(whereClause: "d.number = ", number, collectivite: scope.slug) else {
            guard let shared = try await loadDemande(whereClause: "d.number = ", number, collectivite: nil), shared.sharedWith == scope.slug,
                  seesShared(shared, in: scope) else { return nil }
            return shared
        }
        if case .agent = scope.access, !scope.isAdmin {
            let visible = visibleDemarcheIDs(try await demarches(in: scope), in: scope)
            guard visible.contains(detail.demarche.id) else { return nil }
        }
        return detail
    }

    /// A request read by its citizen: the owner's account, or the number with its tracking code.
    /// - Parameter provenID: the request this visitor proved theirs earlier with its number and code (kept in their
    ///   session by the follow-up page), so its files and later pages open without the code again.
    public func demandeForCitizen(number: String, accountID: String?, trackingCode: String?, provenID: String? = nil) async throws -> DemandeDetail? {
        guard RequestNumber.isWellFormed(number) else { return nil }
        guard let detail = try await loadDemande(whereClause: "d.number = ", number, collectivite: nil) else { return nil }
        let ownsIt = (accountID != nil && detail.accountID == accountID) || (provenID != nil && detail.id == provenID)
        var codeMatches = false
        if let code = trackingCode, !code.isEmpty {
            let expected = try await sql.raw("SELECT tracking_hash FROM demandes WHERE id = \(bind: detail.id)")
                .first(decodingColumn: "tracking_hash", as: String.self)
            codeMatches = expected.map { codes.matches(code, stored: $0) } ?? false
        }
        guard ownsIt || codeMatches else { return nil }
        // What the citizen sees: statuses hidden from them show as the last one they could see, and moves into
        // hidden statuses are left out of the history with the back-office's workings.
        let workflow = detail.demarche.definition.workflow
        var visible = detail
        visible.status = workflow.statusShownToCitizen(detail.status, history: detail.events.compactMap(\.toStatus))
        visible.events = detail.events.filter {
            $0.visibleToCitizen && ($0.eventKind != .transition || workflow.status($0.toStatus ?? "")?.visibleToCitizen != false)
        }
        let agentsOnly = Set(detail.documents.filter { !$0.visibleToCitizen }.map(\.file.id))
        visible.files = detail.files.filter { !agentsOnly.contains($0.id) }
        visible.documents = detail.documents.filter(\.visibleToCitizen)
        visible.backOffice = [:]
        return visible
    }

    /// The requests a citizen filed while signed in, newest first, with their status as the version they were
    /// filed under names it.
    public func demandes(ofAccount accountID: String) async throws -> [AccountDemande] {
        struct Row: Decodable { var number: String; var status: String; var demarcheId: String; var demarcheVersion: Int; var submittedAt: Int64 }
        let rows = try await sql.raw("""
            SELECT number, status, demarche_id, demarche_version, submitted_at FROM demandes
            WHERE account_id = \(bind: accountID) ORDER BY submitted_at DESC LIMIT 200
            """).all(decoding: Row.self, keyDecodingStrategy: .convertFromSnakeCase)
        var result: [AccountDemande] = []
        for row in rows {
            let definition = try await definition(demarcheID: row.demarcheId, version: row.demarcheVersion)
            var shown = row.status
            if definition.workflow.status(row.status)?.visibleToCitizen == false {
                // Rare: only then is the history read, to show the last status the citizen could see.
                let history = try await sql.raw("""
                    SELECT e.to_status FROM demande_events e JOIN demandes d ON d.id = e.demande_id
                    WHERE d.number = \(bind: row.number) AND e.to_status IS NOT NULL ORDER BY e.seq
                    """).all(decodingColumn: "to_status", as: String.self)
                shown = definition.workflow.statusShownToCitizen(row.status, history: history)
            }
            result.append(AccountDemande(number: row.number, demarcheTitle: definition.title,
                                         statusLabel: definition.workflow.status(shown)?.label ?? shown,
                                         submittedAt: Date(millis: row.submittedAt)))
        }
        return result
    }

    /// Appends an internal note (agents only) or a message to the citizen (e-mailed) to the history.
    public func comment(number: String, kind: DemandeEvent.Kind, body: String, in scope: TenantScope, actor: Actor,
                        mails: @escaping @Sendable (DemandeDetail) -> [OutboxMail]) async throws {
        precondition(kind == .note || kind == .message)
        guard let detail = try await demande(number: number, in: scope) else { throw StoreError.notFound }
        let now = nowMillis
        try await write { sql in
            try await self.appendEvent(on: sql, demandeID: detail.id, kind: kind, actor: actor,
                                       from: nil, to: nil, body: body, at: now)
            try await sql.raw("UPDATE demandes SET updated_at = \(bind: now) WHERE id = \(bind: detail.id)").run()
            if kind == .message { try await self.enqueue(mails(detail), on: sql) }
        }
    }

    /// Reads a stored file of a request the caller may already see.
    public func file(id: String, of detail: DemandeDetail) throws -> (StoredFile, Data)? {
        guard let file = detail.files.first(where: { $0.id == id }) else { return nil }
        return (file, try files.read(id: id))
    }

    // MARK: - Internals

    /// The démarches among `all` whose requests the scope's agent may see: those whose workflow names one of
    /// their roles, or all of them for an admin.
    func visibleDemarcheIDs(_ all: [DemarcheSummary], in scope: TenantScope) -> Set<String> {
        if scope.isAdmin { return Set(all.map(\.id)) }
        return Set(all.filter { !$0.roleSet.isDisjoint(with: scope.agentRoles) }.map(\.id))
    }

    /// The services whose requests, shared into the scope's back-office by another collectivité, its agent may
    /// see; nil for all of them (an admin, or a platform access). A shared request routed to no service is seen
    /// by every agent. The one rule, read by `demande(number:in:)` in Swift and by the inbox in SQL.
    func visibleSharedServices(in scope: TenantScope) -> Set<String>? {
        if case .agent = scope.access, !scope.isAdmin { return scope.agentRoles }
        return nil
    }

    func seesShared(_ detail: DemandeDetail, in scope: TenantScope) -> Bool {
        guard let services = visibleSharedServices(in: scope), let service = detail.routing?.service else { return true }
        return services.contains(service)
    }

    /// Returns the line's place in the history (`seq`).
    @discardableResult
    func appendEvent(on sql: any SQLDatabase, demandeID: String, kind: DemandeEvent.Kind, actor: Actor,
                             from: String?, to: String?, body: String?, at: Int64) async throws -> Int {
        let next = (try await sql.raw("SELECT MAX(seq) AS s FROM demande_events WHERE demande_id = \(bind: demandeID)")
            .first(decodingColumn: "s", as: Int?.self) ?? nil).map { $0 + 1 } ?? 1
        try await Self.insertRows(into: "demande_events", columns: Self.eventColumns, [
            Self.eventRow(demandeID: demandeID, seq: next, kind: kind, actor: actor, from: from, to: to, body: body, at: at),
        ], on: sql)
        return next
    }

    static let eventColumns = ["id", "demande_id", "seq", "kind", "actor_kind", "actor_id", "actor_name", "from_status", "to_status", "body", "at"]

    static func eventRow(demandeID: String, seq: Int, kind: DemandeEvent.Kind, actor: Actor, from: String?, to: String?,
                         body: String?, at: Int64) -> [any Encodable & Sendable] {
        [newID(), demandeID, seq, kind.rawValue, actor.kind, actor.id, actor.name, from, to, body, at]
    }

    func loadDemande(whereClause: String, _ value: String, collectivite: String?) async throws -> DemandeDetail? {
        struct Row: Decodable {
            var id: String; var collectivite: String; var number: String; var status: String; var demarcheId: String
            var demarcheVersion: Int; var demarcheSlug: String; var accountId: String?; var email: String; var data: String
            var submittedAt: Int64; var updatedAt: Int64; var workflowData: String; var assignedRole: String?
            var assignedAgent: String?; var correction: String?; var correctionThen: String?
            var category: String?; var routedTo: String?; var routedService: String?; var sharedWith: String?
        }
        var query = SQLQueryString("""
            SELECT d.id, d.collectivite, d.number, d.status, d.demarche_id, d.demarche_version, m.slug AS demarche_slug,
                   d.account_id, d.email, d.data, d.submitted_at, d.updated_at, d.workflow_data, d.assigned_role,
                   d.assigned_agent, d.correction, d.correction_then, d.category, d.routed_to, d.routed_service,
                   (SELECT r.collectivite FROM relays r WHERE r.demande_id = d.id AND r.channel = 'inbox' AND r.expires_at > \(bind: nowMillis)
                    ORDER BY r.created_at DESC LIMIT 1) AS shared_with
            FROM demandes d JOIN demarches m ON m.id = d.demarche_id WHERE \(unsafeRaw: whereClause)\(bind: value)
            """)
        if let collectivite { query.appendInterpolation(unsafeRaw: " AND d.collectivite = "); query.appendInterpolation(bind: collectivite) }
        guard let row = try await sql.raw(query).first(decoding: Row.self, keyDecodingStrategy: .convertFromSnakeCase) else { return nil }
        let events = try await sql.raw("""
            SELECT seq, kind, actor_kind, actor_name, from_status, to_status, body, at FROM demande_events
            WHERE demande_id = \(bind: row.id) ORDER BY seq
            """).all(decoding: DemandeEvent.self, keyDecodingStrategy: .convertFromSnakeCase)
        struct FileRow: Decodable { var id: String; var fieldId: String; var filename: String; var contentType: String; var size: Int }
        let fileRows = try await sql.raw("""
            SELECT id, field_id, filename, content_type, size FROM demande_files WHERE demande_id = \(bind: row.id) ORDER BY filename
            """).all(decoding: FileRow.self, keyDecodingStrategy: .convertFromSnakeCase)
        let files = fileRows.map { StoredFile(id: $0.id, filename: $0.filename, contentType: $0.contentType, size: $0.size) }
        let documents = fileRows.enumerated().compactMap { i, f -> (file: StoredFile, visibleToCitizen: Bool)? in
            switch f.fieldId {
            case DemandeDetail.documentField: (files[i], true)
            case DemandeDetail.internalDocumentField: (files[i], false)
            default: nil
            }
        }
        var replyFiles: [Int: [StoredFile]] = [:]
        for (i, f) in fileRows.enumerated() { if let seq = DemandeDetail.replySeq(fieldID: f.fieldId) { replyFiles[seq, default: []].append(files[i]) } }
        let definition = try await resolved(try await definition(demarcheID: row.demarcheId, version: row.demarcheVersion),
                                            key: "\(row.demarcheId)#\(row.demarcheVersion)", tenant: row.collectivite)
        var detail = DemandeDetail(id: row.id, collectivite: row.collectivite, number: row.number, status: row.status,
                             demarcheSlug: row.demarcheSlug,
                             demarche: VersionedDemarche(id: row.demarcheId, version: row.demarcheVersion, definition: definition),
                             accountID: row.accountId, email: row.email, data: try fromJSON([String: FieldValue].self, row.data),
                             submittedAt: Date(millis: row.submittedAt), updatedAt: Date(millis: row.updatedAt),
                             events: events, files: files, backOffice: try fromJSON([String: FieldValue].self, row.workflowData),
                             assignedRole: row.assignedRole, assignedAgent: row.assignedAgent, correction: row.correction,
                             correctionThen: row.correctionThen, updatedMillis: row.updatedAt, documents: documents, replyFiles: replyFiles)
        detail.routing = row.routedTo.map { StoredRouting(collectivite: $0, service: row.routedService, category: row.category) }
        detail.sharedWith = row.sharedWith
        return detail
    }
}

extension Store {
    /// Gives a request filed without an account to the account of the person who proved it theirs (number and
    /// code); a request another account holds is left alone. Returns whether it was attached.
    public func attach(demandeID: String, toAccount accountID: String) async throws -> Bool {
        try await write { sql in
            try await sql.raw("""
                UPDATE demandes SET account_id = \(bind: accountID) WHERE id = \(bind: demandeID) AND account_id IS NULL RETURNING id
                """).first() != nil
        }
    }

    /// How many requests were filed without an account with this e-mail address.
    public func unclaimedDemandes(email: String) async throws -> Int {
        try await sql.raw("""
            SELECT COUNT(*) AS n FROM demandes WHERE account_id IS NULL AND LOWER(email) = \(bind: email.lowercased())
            """).first(decodingColumn: "n", as: Int.self) ?? 0
    }

    /// Gives the requests filed without an account with its e-mail address to an account whose address is confirmed
    /// (the confirmation proves the mailbox, so the requests whose receipts went there). Returns how many.
    public func attachUnclaimed(to account: Account) async throws -> Int {
        guard account.isConfirmed else { throw StoreError.forbidden }
        return try await write { sql in
            try await sql.raw("""
                UPDATE demandes SET account_id = \(bind: account.id)
                WHERE account_id IS NULL AND LOWER(email) = \(bind: account.email.lowercased()) RETURNING id
                """).all().count
        }
    }
}
