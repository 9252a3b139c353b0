import Demarches
import Expressions
import Foundation
import Messaging
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
    }

    /// Validates and files a request. Invalid input changes nothing.
    public func submit(_ raw: RawSubmission, demarche: VersionedDemarche, in scope: TenantScope, account: Account?) async throws -> Outcome {
        let outcome = FormValidator.validate(raw, against: demarche.definition.form, context: context.evaluationContext)
        guard outcome.isValid else { return .invalid(outcome) }
        let form = demarche.definition.form
        let email = account?.email ?? form.text(of: form.contactEmailField, in: outcome.values) ?? ""
        let name = account?.name ?? form.text(of: form.contactNameField, in: outcome.values) ?? "Usager"
        let new = NewDemande(demarche: demarche, values: outcome.values, files: outcome.files, accountID: account?.id,
                             submitterName: name, email: email)
        let context = self.context
        let collectivite = scope.collectivite.name
        let filed = try await context.store.submit(new, in: scope) { filed in
            [Mails.receipt(to: email, collectivite: collectivite, demarche: demarche.definition.title, number: filed.number,
                           trackingCode: filed.trackingCode, followURL: context.followURL(filed.number))]
        }
        if !email.isEmpty { await context.mailQueued() }
        return .filed(filed)
    }

    public func transition(number: String, transitionID: String, in scope: TenantScope, actor: Actor) async throws -> Result<Status, TransitionRefusal> {
        let context = self.context
        let collectivite = scope.collectivite.name
        let result = try await context.store.transition(number: number, transitionID: transitionID, in: scope, actor: actor) { detail, status in
            [Mails.statusChanged(to: detail.email, collectivite: collectivite, demarche: detail.demarche.definition.title,
                                 number: detail.number, status: status.label, followURL: context.followURL(detail.number))]
        }
        if case .success = result { await context.mailQueued() }
        return result
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
    public var evaluationContext: EvaluationContext {
        let day = LocalTime.calendar.dateComponents([.year, .month, .day], from: store.clock())
        return EvaluationContext(today: CivilDate(year: day.year ?? 1970, month: day.month ?? 1, day: day.day ?? 1))
    }

    func followURL(_ number: String) -> String { url("/suivi?numero=\(number)") }
}
