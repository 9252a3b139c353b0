import Demarches
import Expressions
import Foundation
import SQLKit
import Workflow

/// Everything that moves a request through its workflow: agents' buttons and global actions, timers, the
/// citizen's correction, webhook answers. Each reads the request, lets the engine decide, and applies the
/// outcome in one transaction (`apply`), which refuses if the request moved meanwhile.
extension Store {
    /// The buttons an agent of `scope` is offered on a request: the transitions of its status that their roles
    /// and the transitions' conditions allow, and the global actions. `transition` and `runAction` accept these only.
    public func offeredActions(on detail: DemandeDetail, in scope: TenantScope) -> (transitions: [Transition], globalActions: [GlobalAction]) {
        let workflow = detail.demarche.definition.workflow
        let roles = actingRoles(on: detail, in: scope)
        return (workflow.availableTransitions(from: detail.status, roles: roles, holds: holds(on: detail)),
                workflow.availableGlobalActions(in: detail.status, roles: roles))
    }

    /// An agent presses a transition's button. Refused (nothing written) if the workflow of the request's version
    /// does not offer it from the current status to the agent's roles, or its condition does not hold.
    /// Returns the status the request ends in.
    /// - Parameters:
    ///   - reason: why, as the agent wrote it (a decision's reason): in the history and the citizen's e-mail.
    ///   - correction: what the citizen must correct, as the agent wrote it; nil keeps the démarche's text.
    public func transition(number: String, transitionID: String, in scope: TenantScope, actor: Actor,
                           reason: String? = nil, correction: String? = nil) async throws -> Result<Status, TransitionRefusal> {
        guard let detail = try await demande(number: number, in: scope) else { throw StoreError.notFound }
        let workflow = detail.demarche.definition.workflow
        switch workflow.decide(transition: transitionID, from: detail.status, roles: actingRoles(on: detail, in: scope), reason: reason,
                               correction: correction, holds: holds(on: detail)) {
        case .failure(let refusal):
            return .failure(refusal)
        case .success(let transition):
            let run = engine(for: detail.demarche.definition).take(transition, from: detail.status, values: values(of: detail), now: clock(),
                                                                 reason: reason, correction: correction)
            try await commit(run, to: detail, actor: actor)
            demandeState.inboxCounts.invalidate(scope.slug)
            // The engine only enters statuses the checked workflow has.
            return .success(workflow.status(run.status)!)
        }
    }

    /// The correction a button asks of the citizen, as the démarche words it for this request: the text the agent
    /// starts from. Nil when the button asks none.
    public func correctionDraft(of detail: DemandeDetail, by transition: Transition) -> String? {
        detail.demarche.definition.workflow.asksCorrection(transition).map {
            engine(for: detail.demarche.definition).text($0, values: values(of: detail))
        }
    }

    /// The amount an accord grants, as the citizen reads it (« 1 500 € »), from the field its status names.
    public func decisionAmount(of detail: DemandeDetail, closingIn status: Status) -> String? {
        status.decisionAmount.flatMap { Self.amount(values(of: detail)[$0]) }
    }

    /// Where a closed request goes back to when an admin reopens it: the status it was closed from. Nil when it is
    /// not closed, or its history does not say.
    public func reopeningStatus(of detail: DemandeDetail) -> Status? {
        let workflow = detail.demarche.definition.workflow
        guard workflow.status(detail.status)?.isEnd == true,
              let closing = detail.events.last(where: { $0.eventKind == .transition && $0.toStatus == detail.status }),
              let previous = closing.fromStatus.flatMap(workflow.status), !previous.isEnd else { return nil }
        return previous
    }

    /// An admin reopens a closed request: back to the status it was closed from, the reason in the history (which
    /// the citizen sees). Timers are not re-armed: the legal deadline ended with the decision. Refused when the
    /// scope is not an admin's or the request is not closed; a conflict if it changed meanwhile.
    public func reopen(number: String, reason: String, in scope: TenantScope, actor: Actor) async throws -> Status {
        guard scope.isAdmin else { throw StoreError.forbidden }
        guard let detail = try await demande(number: number, in: scope) else { throw StoreError.notFound }
        guard detail.sharedWith == nil || detail.sharedWith == scope.slug else { throw StoreError.forbidden }
        guard let previous = reopeningStatus(of: detail) else { throw StoreError.conflict("not closed") }
        let now = nowMillis
        try await write { sql in
            let moved = try await sql.raw("""
                UPDATE demandes SET status = \(bind: previous.id), updated_at = \(bind: now)
                WHERE id = \(bind: detail.id) AND status = \(bind: detail.status) AND updated_at = \(bind: detail.updatedMillis) RETURNING id
                """).first()
            guard moved != nil else { throw StoreError.conflict("request changed") }
            try await self.appendEvent(on: sql, demandeID: detail.id, kind: .reopened, actor: actor, from: detail.status, to: previous.id,
                                       body: reason, at: now)
        }
        demandeState.inboxCounts.invalidate(scope.slug)
        return previous
    }

    /// The roles the scope acts with on this request. A request shared into a commune's back-office is that
    /// commune's to process: the collectivité it was filed with reads it and writes notes, and acts no more.
    func actingRoles(on detail: DemandeDetail, in scope: TenantScope) -> Set<String> {
        if let commune = detail.sharedWith, commune != scope.slug { return [] }
        return scope.roles(on: detail.demarche.definition.workflow)
    }

    /// Evaluates a workflow condition on a request as it is now.
    func holds(on detail: DemandeDetail) -> (String) -> Bool {
        let engine = engine(for: detail.demarche.definition), values = values(of: detail)
        return { engine.holds($0, values: values) }
    }

    /// An agent runs a global action.
    public func runAction(number: String, actionID: String, in scope: TenantScope, actor: Actor) async throws -> Result<GlobalAction, TransitionRefusal> {
        guard let detail = try await demande(number: number, in: scope) else { throw StoreError.notFound }
        let workflow = detail.demarche.definition.workflow
        guard let action = workflow.globalAction(actionID) else { return .failure(.unknownTransition) }
        guard workflow.availableGlobalActions(in: detail.status, roles: actingRoles(on: detail, in: scope)).contains(action) else {
            return .failure(workflow.status(detail.status)?.isEnd == false ? .roleNotAllowed : .notFromThisStatus)
        }
        let run = engine(for: detail.demarche.definition).run(action, in: detail.status, values: values(of: detail), now: clock())
        try await commit(run, to: detail, actor: actor, extraEvent: (.action, action.label))
        demandeState.inboxCounts.invalidate(scope.slug)
        return .success(action)
    }

    /// The citizen sends back the correction asked of them: new answers (already validated against the form
    /// of the request's version), then the request moves on as the correction action said, and the legal
    /// deadline resumes where it was paused.
    public func submitCorrection(of seen: DemandeDetail, values new: [String: FieldValue], files newFiles: [(StoredFile, [UInt8])],
                                 actor: Actor) async throws {
        // The caller holds the citizen's view (a hidden status shown as the last visible one, no back-office
        // fields, no internal documents): the correction applies to the request itself, read whole here, so
        // nothing the citizen does not see is written back empty.
        guard let detail = try await loadDemande(whereClause: "d.id = ", seen.id, collectivite: seen.collectivite) else { throw StoreError.notFound }
        guard detail.correction != nil else { throw StoreError.conflict("no correction pending") }
        for (file, bytes) in newFiles { try files.write(id: file.id, bytes: bytes) }
        let definition = detail.demarche.definition
        var corrected = detail
        corrected.data = new
        let engine = engine(for: definition)
        // New answers may satisfy an automatic transition's condition even where the correction leads nowhere.
        let run = detail.correctionThen.map {
            engine.jump(to: $0, label: "Demande corrigée par l'usager", from: detail.status, values: values(of: corrected), now: clock())
        } ?? engine.reconsider(detail.status, values: values(of: corrected), now: clock())
        let now = nowMillis
        let data = try jsonText(new)
        let search = SearchWords.digest(number: detail.number, answers: SearchWords.answers(email: detail.email, values: new))
        let answered = FieldValue.files(in: new)
        let known = Set(detail.files.map(\.id)), kept = Set(answered.map(\.file.id))
        // Only answers' files may be replaced: documents and the files sent with the citizen's messages stay.
        let others = Set(detail.documents.map(\.file.id) + detail.replyFiles.values.flatMap { $0.map(\.id) })
        let dropped = detail.files.map(\.id).filter { !kept.contains($0) && !others.contains($0) }
        let removed = try await write { sql -> [String] in
            if !dropped.isEmpty { try await sql.raw("DELETE FROM demande_files WHERE id IN (\(binds: dropped))").run() }
            try await Self.insertRows(into: "demande_files", columns: Self.fileColumns,
                                      answered.filter { !known.contains($0.file.id) }.map { Self.fileRow($0.file, demandeID: detail.id, fieldID: $0.fieldID) },
                                      on: sql)
            try await sql.raw("""
                UPDATE demandes SET data = \(bind: data), correction = NULL, correction_then = NULL, search_text = \(bind: search)
                WHERE id = \(bind: detail.id)
                """).run()
            try await sql.raw("""
                UPDATE timers SET due_at = due_at + (\(bind: now) - paused_at), paused_at = NULL
                WHERE demande_id = \(bind: detail.id) AND paused_at IS NOT NULL
                """).run()
            // The history says what changed, field by field; the agents who handle it are told.
            let changes = Self.changes(from: detail.data, to: new, in: definition.form)
            try await self.appendEvent(on: sql, demandeID: detail.id, kind: .corrected, actor: actor, from: nil, to: nil,
                                       body: changes.isEmpty ? "Aucune réponse modifiée." : changes.joined(separator: "\n"), at: now)
            try await self.notifyHandlers(of: detail, subject: "Demande \(detail.number) corrigée par l'usager",
                                          body: "L'usager a répondu à la demande de correction.\n\n" + (changes.isEmpty ? "Aucune réponse modifiée." : changes.joined(separator: "\n")),
                                          at: now, on: sql)
            // The correction is answered: `apply` starts from a request without one (and so pauses nothing).
            var sentBack = detail
            sentBack.correction = nil
            return try await self.apply(run, to: sentBack, actor: actor, at: now, on: sql) + dropped
        }
        removeFiles(removed)
        demandeState.inboxCounts.invalidate(detail.collectivite)
    }

    /// A webhook answered 2xx: its answer is kept with the request (as `reponse_<id>`), the delivery marked
    /// done, and automatic transitions that read the answer are taken — all in one transaction.
    public func recordWebhookAnswer(entryID: String, call: WebhookCall, status: Int, body: String) async throws {
        try await webhookOutcome(entryID: entryID, call: call, error: nil) { detail, engine, values in
            var values = values
            let answer = String(body.prefix(10_000))
            values[WorkflowNames.webhookResponse(call.actionID)] = .text(answer)
            var run = engine.reconsider(detail.status, values: values, now: self.clock())
            run.effects.insert(.set(field: WorkflowNames.webhookResponse(call.actionID), value: .text(answer)), at: 0)
            return (run, (.webhookAnswered, "Webhook « \(call.actionID) » : HTTP \(status)"))
        }
    }

    /// A webhook with an error branch failed its last attempt: the request takes the branch.
    public func abandonWebhook(entryID: String, call: WebhookCall, error: String) async throws {
        try await webhookOutcome(entryID: entryID, call: call, error: error) { detail, engine, values in
            let event = (DemandeEvent.Kind.webhookFailed, "Webhook « \(call.actionID) » en échec : \(error)")
            guard let onError = call.onError else { return (nil, event) }
            return (engine.jump(to: onError, label: "Échec du webhook « \(call.actionID) »", from: detail.status, values: values, now: self.clock()), event)
        }
    }

    private func webhookOutcome(entryID: String, call: WebhookCall, error: String?,
                                decide: @escaping @Sendable (DemandeDetail, WorkflowEngine, [String: Value]) -> (WorkflowEngine.Outcome?, (DemandeEvent.Kind, String))) async throws {
        let now = nowMillis
        guard let detail = try await loadDemande(whereClause: "d.id = ", call.demandeID, collectivite: call.collectivite) else {
            // The request was deleted meanwhile: nothing to record, the delivery is done.
            try await write { sql in
                try await sql.raw("UPDATE outbox SET sent_at = \(bind: now), last_error = \(bind: error) WHERE id = \(bind: entryID)").run()
            }
            return
        }
        let (run, event) = decide(detail, engine(for: detail.demarche.definition), values(of: detail))
        let removed = try await write { sql -> [String] in
            try await sql.raw("UPDATE outbox SET sent_at = \(bind: now), last_error = \(bind: error) WHERE id = \(bind: entryID)").run()
            try await self.appendEvent(on: sql, demandeID: detail.id, kind: event.0, actor: .system, from: nil, to: nil, body: event.1, at: now)
            guard let run else { return [] }
            return try await self.apply(run, to: detail, actor: .system, at: now, on: sql)
        }
        removeFiles(removed)
        demandeState.inboxCounts.invalidate(detail.collectivite)
    }

    /// Applies a run in its own transaction, with an optional history line for what caused it.
    func commit(_ run: WorkflowEngine.Outcome, to detail: DemandeDetail, actor: Actor,
                        extraEvent: (DemandeEvent.Kind, String)? = nil) async throws {
        let now = nowMillis
        let removed = try await write { sql -> [String] in
            if let (kind, body) = extraEvent {
                try await self.appendEvent(on: sql, demandeID: detail.id, kind: kind, actor: actor, from: nil, to: nil, body: body, at: now)
            }
            return try await self.apply(run, to: detail, actor: actor, at: now, on: sql)
        }
        removeFiles(removed)
        // The filer's counts, and the commune's whose back-office holds it, whoever acted.
        demandeState.inboxCounts.invalidate(detail.collectivite)
        if let commune = detail.sharedWith { demandeState.inboxCounts.invalidate(commune) }
    }
}

extension Store {
    /// What a correction changed, a line per question: « Montant demandé : 900 → 800 », or the question alone
    /// for answers that do not read on one line (files, addresses, tables).
    static func changes(from old: [String: FieldValue], to new: [String: FieldValue], in form: FormDefinition) -> [String] {
        form.fields.compactMap { field in
            let (before, after) = (old[field.id], new[field.id])
            guard before != after, field.type.isInput else { return nil }
            func short(_ value: FieldValue?) -> String? {
                switch value {
                case .text(let t)?: t.count <= 80 && !t.contains("\n") ? "« \(t) »" : nil
                case .number(let n)?: FrenchNumber.format(n)
                case nil: "(vide)"
                default: nil
                }
            }
            if let b = short(before), let a = short(after) { return "\(field.label) : \(b) → \(a)" }
            return "\(field.label) : modifié"
        }
    }
}
