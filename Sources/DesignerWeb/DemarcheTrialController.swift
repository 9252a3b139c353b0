import Demarches
import Expressions
import Foundation
import Storage
import Vapor
import WebSupport
import Workflow

/// Test-filling a démarche, online or not: its whole form on one page, checked exactly as a citizen's would be;
/// a valid answer shows what would be stored and what the workflow would do on filing (status, e-mails drafted,
/// assignment, fields, documents). Nothing is written, nothing is sent.
struct DemarcheTrialController {
    struct TrialVM {
        struct Step { var text: String; var detail: String? }
        var layout: Layout
        var slug: String
        var demarche: String
        var title: String
        var version: Int
        /// Test-filling the working copy rather than a published version.
        var isCopy: Bool
        var form: FormVM
        var done: Bool
        var answers: [DataItem]
        var finalStatus: String
        var steps: [Step]
    }

    func show(req: Request) async throws -> Response {
        let (scope, demarche) = try await resolve(req)
        let form = demarche.definition.form
        let prefill = form.prefill(email: nil, name: nil)
        let outcome = FormValidator.validate(RawSubmission(values: prefill), against: form, context: req.guichet.evaluationContext)
        return try await render(req, scope, demarche, form: FormVM(form: form, values: prefill, errors: [:], page: nil, visible: outcome.visible))
    }

    func post(req: Request) async throws -> Response {
        let (scope, demarche) = try await resolve(req)
        let definition = demarche.definition
        let raw = req.form.raw
        let outcome = FormValidator.validate(raw, against: definition.form, context: req.guichet.evaluationContext)
        if let adjusted = BlockRows.applying(req.form.value("action"), to: raw.values, form: definition.form) {
            return try await render(req, scope, demarche, form: FormVM(form: definition.form, values: adjusted, errors: [:], page: nil, visible: outcome.visible,
                                                                       focusBlock: BlockRows.target(of: req.form.value("action"))))
        }
        let form = FormVM(form: definition.form, values: raw.values, errors: outcome.errors, page: nil, visible: outcome.visible)
        guard outcome.isValid else { return try await render(req, scope, demarche, form: form, status: .unprocessableEntity) }
        let run = req.store.trialFiling(of: definition, values: outcome.values)
        var steps = run.moves.map { TrialVM.Step(text: "Passe de « \(label($0.from, definition)) » à « \(label($0.to, definition)) » (\($0.label)).", detail: nil) }
        steps += run.effects.map { describe($0) }
        if let deadline = definition.workflow.deadline {
            steps.append(.init(text: "Délai légal armé : \(deadline.delay.french) ; à son terme, le silence vaut "
                               + (deadline.silence == .accord ? "accord" : "rejet") + " (« \(label(deadline.status, definition)) »).", detail: nil))
        }
        for timer in run.timers ?? [] {
            let name = definition.workflow.transitions.first { $0.id == timer.transitionID }?.label ?? timer.transitionID
            steps.append(.init(text: "Minuteur : « \(name) » le \(FrenchDate.string(timer.due)).", detail: nil))
        }
        return try await render(req, scope, demarche, form: form, done: true,
                                answers: DataItem.list(form: definition.form, data: outcome.values) { _ in "#" },
                                finalStatus: label(run.status, definition), steps: steps)
    }

    private func render(_ req: Request, _ scope: TenantScope, _ demarche: VersionedDemarche, form: FormVM, done: Bool = false,
                        answers: [DataItem] = [], finalStatus: String = "", steps: [TrialVM.Step] = [],
                        status: HTTPResponseStatus = .ok) async throws -> Response {
        let d = demarche.definition
        let vm = TrialVM(layout: try await req.layout(scope, title: (status == .ok ? "" : "Erreur — ") + "Tester « \(d.title) »"),
                         slug: scope.slug, demarche: d.slug, title: d.title, version: demarche.version, isCopy: demarche.version == 0, form: form, done: done,
                         answers: answers, finalStatus: finalStatus, steps: steps)
        return req.guichet.renderer.html("designer/trial", vm, status: status)
    }

    /// The current version, or with `?copie=oui` the working copy being designed (version 0).
    private func resolve(_ req: Request) async throws -> (TenantScope, VersionedDemarche) {
        let (scope, _) = try await req.agentScope()
        let slug = req.parameters.get("demarche") ?? ""
        guard scope.isAdmin else { throw Abort(.notFound) }
        if (try? req.query.get(String.self, at: "copie")) == "oui" {
            guard let copy = try await req.store.workingCopyForTrial(slug: slug, in: scope) else { throw Abort(.notFound) }
            return (scope, copy)
        }
        guard let demarche = try await req.store.currentDemarche(slug: slug, in: scope) else { throw Abort(.notFound) }
        return (scope, demarche)
    }

    private func label(_ status: String, _ d: DemarcheDefinition) -> String { d.workflow.status(status)?.label ?? status }

    private func describe(_ effect: WorkflowEngine.Effect) -> TrialVM.Step {
        switch effect {
        case .email(let to, let subject, let body):
            let who = switch to {
            case .citizen: "à l'usager"
            case .role(let role): "aux agents du service « \(Store.serviceName(role)) »"
            case .address(let address): "à \(address)"
            }
            return .init(text: "Courriel \(who) : « \(subject) » (non envoyé pendant un essai).", detail: body)
        case .sms(let to, let text): return .init(text: "SMS au \(to) (non envoyé pendant un essai).", detail: text)
        case .webhook(let id, let url, _): return .init(text: "Appel « \(id) » vers \(url) (non appelé pendant un essai).", detail: nil)
        case .assign(let role, let agent): return .init(text: "Affectée au service « \(Store.serviceName(role)) »" + (agent.map { ", agent \($0)" } ?? "") + ".", detail: nil)
        case .set(let field, let value): return .init(text: "Suivi interne : « \(field) » = \(value.frenchText).", detail: nil)
        case .correction(let message, _): return .init(text: "Complément demandé à l'usager.", detail: message)
        case .document(_, let title, let text, let visible):
            return .init(text: "Document « \(title) » produit" + (visible ? ", visible par l'usager." : ", interne."), detail: text)
        case .anonymise: return .init(text: "Demande anonymisée.", detail: nil)
        case .delete: return .init(text: "Demande supprimée.", detail: nil)
        }
    }
}
