import Demarches
import Expressions
import Foundation
import Identity
import Messaging
import Routing
import Storage
import Territory
import Workflow

/// The operations on requests that cause e-mails, shared by the portal, the back-office and the API so each
/// channel sends the same messages. Mails are composed here and committed with the change by the store.
public struct Filing: Sendable {
    let context: GuichetContext

    public init(_ context: GuichetContext) { self.context = context }

    public enum Outcome: Sendable {
        case filed(FiledDemande)
        /// Nothing was filed; the validation says what to fix, and on which page.
        case invalid(FormValidator.Outcome)
        /// Nothing was filed: the démarche allows one request per person.
        case refused(Refusal)
        /// Nothing was filed: this very submission (its one-time token) filed this request already.
        case resent(number: String)
    }

    /// Why a person may not file a démarche now.
    public enum Refusal: Sendable, Equatable {
        /// One request per person: only an account tells people apart.
        case accountRequired
        /// One request per person, and this account already filed this one.
        case alreadyFiled(number: String)
    }

    /// Why this person may not file the démarche now; nil when they may.
    public func refusal(of demarche: VersionedDemarche, in scope: TenantScope, account: Account?) async throws -> Refusal? {
        guard let limit = demarche.definition.onePerPerson else { return nil }
        guard let account else { return .accountRequired }
        return try await context.store.earlierDemande(accountID: account.id, demarcheID: demarche.id, openOnly: limit == .whileOpen, in: scope)
            .map { .alreadyFiled(number: $0) }
    }

    /// Validates and files a request. Invalid input, or a person the démarche does not admit, changes nothing.
    /// (Two filings of one person at the same instant could both pass the one-per-person check; the portal's
    /// single form makes that a deliberate act, and agents see both.)
    /// - Parameter key: the submission's one-time key (`submissionKey(formToken:)`, `submissionKey(idempotencyKey:)`):
    ///   sent again, the same submission answers the request it filed instead of filing another.
    public func submit(_ raw: RawSubmission, demarche: VersionedDemarche, in scope: TenantScope, account: Account?,
                       key: String? = nil, place: PlaceRule? = nil) async throws -> Outcome {
        if let key, let number = try await context.store.demandeNumber(submissionKey: key, in: scope) { return .resent(number: number) }
        if let refusal = try await refusal(of: demarche, in: scope, account: account) { return .refused(refusal) }
        var outcome = FormValidator.validate(raw, against: demarche.definition.form, context: context.evaluationContext, place: place)
        guard outcome.isValid else { return .invalid(outcome) }
        let form = demarche.definition.form
        let routing: RoutingDecision
        switch try await context.store.router().route(Router.Request(definition: demarche.definition, answers: outcome.values, filedWith: scope.slug),
                                                      context: context.evaluationContext) {
        case .success(let decision): routing = decision
        case .failure(.outsideTerritory):
            // Said beside the point on the map, as any other answer to correct; nothing is filed.
            if let index = form.fields.firstIndex(where: { $0.type == .mapPoint && outcome.values[$0.id] != nil }) {
                outcome.errors[form.fields[index].id] = Router.Refusal.outsideTerritory.message
                outcome.pagesWithErrors.insert(form.logic.pageOfField(index))
            }
            return .invalid(outcome)
        }
        let email = account?.email ?? form.text(of: form.contactEmailField, in: outcome.values) ?? ""
        let name = account?.name ?? form.text(of: form.contactNameField, in: outcome.values) ?? "Usager"
        var new = NewDemande(demarche: demarche, values: outcome.values, files: outcome.files, accountID: account?.id,
                             submitterName: name, email: email, submissionKey: key, routing: routing)
        new.relay = try await relayOrder(routing, demarche: demarche, values: outcome.values, filedWith: scope.collectivite,
                                         citizen: (name, email))
        let context = self.context
        let collectivite = scope.collectivite.name
        let filed: FiledDemande
        do {
            let place = scope.collectivite
            filed = try await context.store.submit(new, in: scope) { filed in
                let acknowledgement = Acknowledgement(demarche: demarche.definition, collectivite: place, number: filed.number,
                                                      receivedAt: filed.submittedAt, followURL: context.followURL(filed.number))
                return [Mails.receipt(to: email, collectivite: collectivite, demarche: demarche.definition.title, number: filed.number,
                                      trackingCode: filed.trackingCode, followURL: context.followURL(filed.number), acknowledgement: acknowledgement.text)]
            }
        } catch {
            // Two sendings of one submission at once (a double click): the key's unique index let one file.
            if let key, let number = try await context.store.demandeNumber(submissionKey: key, in: scope) { return .resent(number: number) }
            throw error
        }
        if !email.isEmpty || new.relay != nil { await context.mailQueued() }
        return .filed(filed)
    }

    /// The key of a portal form's submission: the SHA-256 of the one-time token its page carried (`Secret.token()`);
    /// nil for anything else.
    public static func submissionKey(formToken: String?) -> String? {
        formToken.flatMap { Secret.isToken($0) ? Secret.hash("form:" + $0) : nil }
    }

    /// The key of an API submission from its `Idempotency-Key` header: 16 to 128 visible ASCII characters (a UUID
    /// fits), kept apart per account so two clients choosing the same key do not meet; nil when absent or
    /// malformed (`isIdempotencyKey`).
    public static func submissionKey(idempotencyKey: String, account: Account?) -> String? {
        guard isIdempotencyKey(idempotencyKey) else { return nil }
        return Secret.hash("api:\(account?.id ?? "-"):" + idempotencyKey)
    }

    public static func isIdempotencyKey(_ text: String) -> Bool {
        (16...128).contains(text.utf8.count) && text.utf8.allSatisfy { (33...126).contains($0) }
    }

    /// An agent's button; the workflow's actions and the status e-mail (with the decision's reason) are committed
    /// with the move.
    public func transition(number: String, transitionID: String, in scope: TenantScope, actor: Actor,
                           reason: String? = nil, correction: String? = nil) async throws -> Result<Status, TransitionRefusal> {
        let result = try await context.store.transition(number: number, transitionID: transitionID, in: scope, actor: actor,
                                                        reason: reason, correction: correction)
        if case .success = result { await context.mailQueued() }
        return result
    }

    /// An agent's global action.
    public func runAction(number: String, actionID: String, in scope: TenantScope, actor: Actor) async throws -> Result<GlobalAction, TransitionRefusal> {
        let result = try await context.store.runAction(number: number, actionID: actionID, in: scope, actor: actor)
        if case .success = result { await context.mailQueued() }
        return result
    }

    /// The citizen sends back a correction: validated against the form of the request's own version, then
    /// stored; invalid answers change nothing. Files already with the request stay unless a new one is sent for
    /// the same question (the client cannot name stored files: `raw.keptFiles` is set here).
    public func correct(_ detail: DemandeDetail, raw posted: RawSubmission, actor: Actor) async throws -> FormValidator.Outcome {
        var raw = posted
        raw.keptFiles = detail.demarche.definition.form.rawAnswers(of: detail.data).keptFiles
        let outcome = FormValidator.validate(raw, against: detail.demarche.definition.form, context: context.evaluationContext)
        guard outcome.isValid else { return outcome }
        try await context.store.submitCorrection(of: detail, values: outcome.values, files: outcome.files, actor: actor)
        await context.mailQueued()
        return outcome
    }

    /// The citizen writes to the service handling their request: checked as `CitizenReply` asks (a message or a
    /// file at least), then recorded and the handlers e-mailed. Returns the errors by field, empty once sent.
    public func reply(to detail: DemandeDetail, raw: RawSubmission, actor: Actor) async throws -> [String: String] {
        let (text, files, errors) = CitizenReply.validate(raw, context: context.evaluationContext)
        guard errors.isEmpty else { return errors }
        try await context.store.reply(to: detail, text: text, files: files, actor: actor)
        await context.mailQueued()
        return [:]
    }

    /// An internal note, or a message e-mailed to the citizen.
    public func comment(number: String, kind: DemandeEvent.Kind, body: String, in scope: TenantScope, actor: Actor) async throws {
        let context = self.context
        let collectivite = scope.collectivite.name
        try await context.store.comment(number: number, kind: kind, body: body, in: scope, actor: actor) { detail in
            [Mails.message(to: detail.email, collectivite: collectivite, number: detail.number, body: body,
                           followURL: context.followURL(detail.number))]
        }
        if kind == .message { await context.mailQueued() }
    }
}

extension GuichetContext {
    /// Expressions count days in Lyon, by the store's clock (which tests move).
    public var evaluationContext: EvaluationContext { store.evaluationContext }

    public func followURL(_ number: String) -> String { url("/suivi?numero=\(number)") }
}
