import Expressions
import Foundation
import Storage
import Vapor
import WebSupport
import Workflow

/// The steps that close or reopen a request. A button leading to an end status is a decision: before anything
/// changes, the agent confirms it on a page of its own that says what the citizen will receive, with a reason
/// (required for a refusal), the amount of an accord, and for an unfavourable decision the ways of appeal. An
/// admin may reopen a closed request, with a reason the history keeps.
struct DecisionController {
    struct ConfirmVM {
        var layout: Layout
        var slug: String
        var number: String
        var heading: String
        var explanation: String
        var action: String
        var transition: String?
        var amount: String?
        var reasonLabel: String
        var reasonRequired: Bool
        var reasonHelp: String
        var reason: String
        var error: String?
        var appeal: String?
        var confirmLabel: String
    }

    static let reasonLimit = 5000

    /// A closing button: the confirmation first, then the move with the reason, or why the store refused it.
    /// Nil when the button does not close the request (the caller takes it at once).
    func closing(req: Request, scope: TenantScope, number: String, actor: Actor) async throws -> Result<Response, TransitionRefusal>? {
        guard let detail = try await req.store.demande(number: number, in: scope) else { throw Abort(.notFound) }
        let workflow = detail.demarche.definition.workflow
        let id = req.form.value("transition")
        // A button not offered here goes on to the store, which says why it is refused.
        guard let transition = req.store.offeredActions(on: detail, in: scope).transitions.first(where: { $0.id == id }),
              let end = workflow.closing(transition) else { return nil }
        let reason = req.form.value("motif").trimmingCharacters(in: .whitespacesAndNewlines)
        let decision = end.decision
        var error: String?
        if reason.count > Self.reasonLimit { error = "Le motif dépasse \(FrenchNumber.format(Decimal(Self.reasonLimit))) caractères." }
        else if decision?.requiresReason == true && reason.isEmpty { error = "Indiquez le motif du refus : il est dû à l'usager." }
        guard req.form.value("confirmer") == "oui", error == nil else {
            let asked = req.form.value("confirmer") == "oui"
            let vm = ConfirmVM(
                layout: try await req.layout(scope, title: (asked ? "Erreur — " : "") + "\(transition.label) — demande \(number)"),
                slug: scope.slug, number: number, heading: "\(transition.label) — demande \(number)",
                explanation: "La demande « \(detail.demarche.definition.title) » sera close avec le statut « \(end.label) »"
                    + (transition.notifiesCitizen && end.visibleToCitizen ? " ; l'usager en est informé par e-mail, avec le motif ci-dessous." : "."),
                action: "/bo/\(scope.slug)/demandes/\(number)/transition", transition: transition.id,
                amount: req.store.decisionAmount(of: detail, closingIn: end),
                reasonLabel: "Motif de la décision", reasonRequired: decision?.requiresReason == true,
                reasonHelp: "Il figure dans l'e-mail et sur la page de suivi de l'usager.",
                reason: reason, error: asked ? error : nil,
                appeal: decision?.isUnfavourable == true ? Decision.appealWays(authority: scope.collectivite.name) : nil,
                confirmLabel: "Confirmer : \(transition.label)")
            return .success(req.guichet.renderer.html("grc/confirm", vm, status: asked ? .unprocessableEntity : .ok))
        }
        let done = try await Filing(req.guichet).transition(number: number, transitionID: id, in: scope, actor: actor,
                                                           reason: reason.isEmpty ? nil : reason)
        return done.map { status in
            req.flash("Statut de la demande \(number) : \(status.label).")
            return req.redirect(to: "/bo/\(scope.slug)/demandes/\(number)", redirectType: .normal)
        }
    }

    /// « Rouvrir la demande »: the page asking why, then the request back in the status it was closed from.
    func reopen(req: Request) async throws -> Response {
        let (scope, account) = try await req.agentScope()
        guard scope.isAdmin else { throw Abort(.forbidden) }
        let number = req.parameters.get("number") ?? ""
        guard let detail = try await req.store.demande(number: number, in: scope) else { throw Abort(.notFound) }
        guard let previous = req.store.reopeningStatus(of: detail) else {
            req.flash("Cette demande n'est pas close : il n'y a rien à rouvrir.")
            return req.redirect(to: "/bo/\(scope.slug)/demandes/\(number)", redirectType: .normal)
        }
        let reason = req.form.value("motif").trimmingCharacters(in: .whitespacesAndNewlines)
        let asked = req.method == .POST
        let error = reason.isEmpty ? "Indiquez pourquoi la demande est rouverte." :
            reason.count > Self.reasonLimit ? "Le motif dépasse \(FrenchNumber.format(Decimal(Self.reasonLimit))) caractères." : nil
        guard asked, error == nil else {
            let vm = ConfirmVM(
                layout: try await req.layout(scope, title: (asked ? "Erreur — " : "") + "Rouvrir la demande \(number)"),
                slug: scope.slug, number: number, heading: "Rouvrir la demande \(number)",
                explanation: "La demande reprendra le statut « \(previous.label) », où elle était avant d'être close. Le motif figure dans l'historique, que l'usager voit aussi.",
                action: "/bo/\(scope.slug)/demandes/\(number)/rouvrir", transition: nil, amount: nil,
                reasonLabel: "Motif de la réouverture", reasonRequired: true, reasonHelp: "Par exemple : décision prise par erreur, recours gracieux accueilli.",
                reason: reason, error: asked ? error : nil, appeal: nil, confirmLabel: "Rouvrir la demande")
            return req.guichet.renderer.html("grc/confirm", vm, status: asked ? .unprocessableEntity : .ok)
        }
        do {
            let status = try await req.store.reopen(number: number, reason: reason, in: scope, actor: .agent(account.id, name: account.name))
            req.flash("Demande \(number) rouverte : \(status.label).")
        } catch StoreError.conflict {
            req.flash("La demande a changé entre-temps : vérifiez-la et recommencez.")
        }
        return req.redirect(to: "/bo/\(scope.slug)/demandes/\(number)", redirectType: .normal)
    }
}
