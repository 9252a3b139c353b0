import Demarches
import Documents
import Expressions
import Foundation
import Routing
import SQLKit
import Territory
import Workflow

extension Store {
    /// Expressions count days in Lyon, by the store's clock (which tests move).
    public var evaluationContext: EvaluationContext { EvaluationContext(today: Self.lyonDay(clock())) }

    /// The calendar day in Lyon at `date`.
    static func lyonDay(_ date: Date) -> CivilDate {
        let day = LocalTime.calendar.dateComponents([.year, .month, .day], from: date)
        return CivilDate(year: day.year ?? 1970, month: day.month ?? 1, day: day.day ?? 1)
    }

    func engine(for definition: DemarcheDefinition) -> WorkflowEngine {
        definition.engine(calendar: LocalTime.calendar, context: evaluationContext)
    }

    /// What workflow expressions see of a stored request.
    func values(of detail: DemandeDetail) -> [String: Value] {
        detail.demarche.definition.expressionValues(data: detail.data, backOffice: detail.backOffice, number: detail.number,
                                                    status: detail.status, submitted: Self.lyonDay(detail.submittedAt))
    }

    /// Applies what the engine decided, inside the caller's transaction: statuses and their history, actions'
    /// effects (outbox messages, back-office fields, assignment, correction, documents, anonymisation,
    /// deletion) and timers. Refused with a conflict if the request moved since `detail` was read.
    /// Returns the vault files to remove once the transaction has committed.
    func apply(_ run: WorkflowEngine.Outcome, to detail: DemandeDetail, actor: Actor, at now: Int64,
               on sql: any SQLDatabase) async throws -> [String] {
        let definition = detail.demarche.definition
        let name = try await collectivite(slug: detail.collectivite)?.name ?? detail.collectivite
        let about = WorkflowMails.About(email: detail.email, collectivite: name, slug: detail.collectivite, demarche: definition.title,
                                        number: detail.number)
        var outbox: [OutboxMessage] = []
        var events: [(kind: DemandeEvent.Kind, from: String?, to: String?, body: String?)] = []
        var backOffice = detail.backOffice
        var assigned = (role: detail.assignedRole, agent: detail.assignedAgent)
        var correction = (message: detail.correction, then: detail.correctionThen)
        var anonymise = false
        var removedFiles: [String] = []

        for effect in run.effects {
            switch effect {
            case .email(let to, let subject, let body):
                for address in try await recipients(to, of: detail, on: sql) {
                    outbox.append(.email(mails.authored(about, address, subject, body, to != .citizen)))
                }
            case .sms(let to, let text):
                outbox.append(.sms(SMSMessage(to: to, text: text)))
            case .webhook(let id, let url, let onError):
                outbox.append(.webhook(WebhookCall(demandeID: detail.id, collectivite: detail.collectivite, number: detail.number,
                                                   actionID: id, url: url, onError: onError,
                                                   body: try webhookBody(detail, status: run.status, backOffice: backOffice))))
            case .assign(let role, let agent):
                assigned = (role, agent)
                events.append((.assigned, nil, nil, agent.map { "\(role) — \($0)" } ?? role))
            case .set(let field, let value):
                backOffice[field] = FieldValue(value)
            case .correction(let message, let then):
                correction = (message, then)
                events.append((.correctionRequested, nil, nil, message))
                outbox.append(.email(mails.correctionRequested(about, message)))
            case .document(let id, let title, let text, let visible):
                let pdf = PDFDocument(title: title, body: text,
                                      footer: "\(name) — demande \(detail.number) — \(Value.date(Self.lyonDay(clock())).frenchText)").render()
                let file = StoredFile(id: newID(), filename: "\(id)-\(detail.number).pdf", contentType: "application/pdf", size: pdf.count)
                try files.write(id: file.id, bytes: [UInt8](pdf))
                try await Self.insertRows(into: "demande_files", columns: Self.fileColumns, [
                    Self.fileRow(file, demandeID: detail.id, fieldID: visible ? DemandeDetail.documentField : DemandeDetail.internalDocumentField),
                ], on: sql)
                events.append((.document, nil, nil, title))
            case .anonymise:
                anonymise = true
            case .delete:
                break
            }
        }
        if run.deleted {
            try await Self.insertOutbox(outbox, at: now, on: sql)
            removedFiles = try await sql.raw("SELECT id FROM demande_files WHERE demande_id = \(bind: detail.id)")
                .all(decodingColumn: "id", as: String.self)
            for table in ["timers", "demande_files", "demande_events"] {
                try await sql.raw("DELETE FROM \(unsafeRaw: table) WHERE demande_id = \(bind: detail.id)").run()
            }
            try await sql.raw("DELETE FROM demandes WHERE id = \(bind: detail.id)").run()
            return removedFiles
        }

        // One e-mail per action: a correction asked says what to do, the status it moves to goes without its own.
        let asksCorrection = run.effects.contains { if case .correction = $0 { true } else { false } }
        for move in run.moves {
            // The history says why: the agent's reason, or what moved a request no one pressed a button for.
            events.append((.transition, move.from, move.to, move.reason ?? (move.transitionID == nil ? move.label : nil)))
            if move.notifiesCitizen, !asksCorrection, let status = definition.workflow.status(move.to) {
                let notice = status.isEnd ? WorkflowMails.DecisionNotice(decision: status.decision, reason: move.reason,
                                                                         amount: status.decisionAmount.flatMap { Self.amount(run.values[$0]) }) : nil
                outbox.append(.email(mails.statusChanged(about, status.label, notice)))
            }
        }
        try await Self.insertOutbox(outbox, at: now, on: sql)
        let moved = try await sql.raw("""
            UPDATE demandes SET status = \(bind: run.status), workflow_data = \(bind: try jsonText(backOffice)),
                assigned_role = \(bind: assigned.role), assigned_agent = \(bind: assigned.agent),
                correction = \(bind: correction.message), correction_then = \(bind: correction.then), updated_at = \(bind: now)
            WHERE id = \(bind: detail.id) AND status = \(bind: detail.status) AND updated_at = \(bind: detail.updatedMillis) RETURNING id
            """).first()
        guard moved != nil else { throw StoreError.conflict("request changed") }
        var seq = try await nextSeq(detail.id, on: sql)
        try await Self.insertRows(into: "demande_events", columns: Self.eventColumns, events.map { e in
            defer { seq += 1 }
            return Self.eventRow(demandeID: detail.id, seq: seq, kind: e.kind, actor: actor, from: e.from, to: e.to, body: e.body, at: now)
        }, on: sql)
        if run.status != detail.status {
            let notice = ConnectorNotice(type: .status, occurredAt: clock(), number: detail.number, status: run.status,
                                         statusLabel: statusLabel(run.status, of: detail))
            try await queueConnectorNotice(notice, of: detail, position: seq - 1, at: now, on: sql)
        }
        if let timers = run.timers {
            try await sql.raw("DELETE FROM timers WHERE demande_id = \(bind: detail.id) AND kind = 'transition'").run()
            try await Self.insertRows(into: "timers", columns: Self.timerColumns, timers.map {
                Self.timerRow(demandeID: detail.id, kind: "transition", transitionID: $0.transitionID, status: run.status, due: $0.due)
            }, on: sql)
        }
        if definition.workflow.status(run.status)?.isEnd == true {
            try await sql.raw("DELETE FROM timers WHERE demande_id = \(bind: detail.id)").run()
        } else if correction.message != nil && detail.correction == nil {
            try await sql.raw("UPDATE timers SET paused_at = \(bind: now) WHERE demande_id = \(bind: detail.id) AND kind = 'deadline'").run()
        }
        if anonymise { removedFiles += try await anonymiseRequest(detail, actor: actor, at: now, on: sql) }
        return removedFiles
    }

    /// Keeps the number, démarche, statuses and dates; removes the answers, contact, account link, files and
    /// the texts of messages and notes.
    private func anonymiseRequest(_ detail: DemandeDetail, actor: Actor, at now: Int64, on sql: any SQLDatabase) async throws -> [String] {
        let files = try await sql.raw("SELECT id FROM demande_files WHERE demande_id = \(bind: detail.id)").all(decodingColumn: "id", as: String.self)
        try await sql.raw("DELETE FROM demande_files WHERE demande_id = \(bind: detail.id)").run()
        try await sql.raw("""
            UPDATE demandes SET data = '{}', workflow_data = '{}', email = '', account_id = NULL, correction = NULL,
                search_text = \(bind: SearchWords.digest(number: detail.number, answers: "")) WHERE id = \(bind: detail.id)
            """).run()
        try await sql.raw("UPDATE demande_events SET body = NULL WHERE demande_id = \(bind: detail.id) AND kind IN ('note', 'message', 'correction_requested', 'reply')").run()
        // The citizen's name, which their events carry (the inbox shows it), goes too.
        try await sql.raw("UPDATE demande_events SET actor_name = 'Usager', actor_id = NULL WHERE demande_id = \(bind: detail.id) AND actor_kind = 'citizen'").run()
        try await Self.insertRows(into: "demande_events", columns: Self.eventColumns, [
            Self.eventRow(demandeID: detail.id, seq: try await nextSeq(detail.id, on: sql), kind: .anonymised, actor: actor,
                          from: nil, to: nil, body: nil, at: now),
        ], on: sql)
        return files
    }

    /// The addresses an e-mail action names: the citizen's, a fixed one, or those of the agents holding a role
    /// in the request's collectivité.
    func recipients(_ recipient: WorkflowAction.Recipient, of detail: DemandeDetail, on sql: any SQLDatabase) async throws -> [String] {
        switch recipient {
        case .citizen: return detail.email.isEmpty ? [] : [detail.email]
        case .address(let a): return [a]
        case .role(let role):
            return try await sql.raw("""
                SELECT a.email FROM agent_roles r JOIN accounts a ON a.id = r.account_id
                WHERE r.collectivite = \(bind: detail.collectivite) AND r.role = \(bind: role) ORDER BY a.email
                """).all(decodingColumn: "email", as: String.self)
        }
    }

    /// The request as a webhook receives it.
    private func webhookBody(_ detail: DemandeDetail, status: String, backOffice: [String: FieldValue]) throws -> String {
        struct Body: Encodable {
            var numero: String; var collectivite: String; var demarche: String; var version: Int; var statut: String
            var date_depot: String; var donnees: [String: FieldValue]; var suivi: [String: FieldValue]
        }
        return try jsonText(Body(numero: detail.number, collectivite: detail.collectivite, demarche: detail.demarcheSlug,
                                 version: detail.demarche.version, statut: status,
                                 date_depot: ISO8601DateFormatter().string(from: detail.submittedAt), donnees: detail.data,
                                 suivi: backOffice))
    }

    func nextSeq(_ demandeID: String, on sql: any SQLDatabase) async throws -> Int {
        (try await sql.raw("SELECT MAX(seq) AS s FROM demande_events WHERE demande_id = \(bind: demandeID)")
            .first(decodingColumn: "s", as: Int?.self) ?? nil).map { $0 + 1 } ?? 1
    }

    /// Removes vault files once the rows that referenced them are gone for good.
    func removeFiles(_ ids: [String]) {
        for id in ids { try? FileManager.default.removeItem(at: files.path(for: id)) }
    }
}

extension Store {
    /// An amount granted as the citizen reads it (« 1 500 € »); nil when the field holds no number.
    static func amount(_ value: Value?) -> String? {
        guard case .number(let n) = value else { return nil }
        return FrenchNumber.format(n) + "\u{00A0}€"
    }
}
