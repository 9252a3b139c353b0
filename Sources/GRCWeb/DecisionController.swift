import Foundation
import Storage
import Vapor
import WebSupport
import Workflow

/// The steps an agent confirms before anything changes. A button leading to an end status is a decision: its page
/// says what the citizen will receive, with a reason (required for a refusal), the amount of an accord, and for an
/// unfavourable decision the ways of appeal. A button asking for a correction shows the démarche's text, which the
/// agent rewrites for this request. An admin may reopen a closed request, with a reason the history keeps.
struct DecisionController {
    struct ConfirmVM {
        var layout: Layout
        var slug: String
        var number: String
        var heading: String
        var explanation: String
        /// Above the error, what did not happen.
        var errorHeading: String
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

    /// A button that closes the request or asks the citizen for a correction: the confirmation first, with the
    /// reason of the decision or the text of the correction (the démarche's, which the agent may rewrite), then the
    /// move, or why the store refused it. Nil when the button is neither (the caller takes it at once).
    func confirming(req: Request, scope: TenantScope, number: String, actor: Actor) async throws -> Result<Response, TransitionRefusal>? {
        guard let detail = try await req.store.demande(number: number, in: scope) else { throw Abort(.notFound) }
        let workflow = detail.demarche.definition.workflow
        let id = req.form.value("transition")
        // A button not offered here goes on to the store, which says why it is refused.
        guard let transition = req.store.offeredActions(on: detail, in: scope).transitions.first(where: { $0.id == id }) else { return nil }
        let draft = req.store.correctionDraft(of: detail, by: transition)
        let end = draft == nil ? workflow.closing(transition) : nil
        guard draft != nil || end != nil else { return nil }
        let text = req.form.value("motif").trimmingCharacters(in: .whitespacesAndNewlines)
        let confirmed = req.form.value("confirmer") == "oui"
        var error: String?
        if confirmed {
            // The store checks what was written (a refusal's reason, a correction's text), whichever channel sends it.
            let done = try await Filing(req.guichet).transition(number: number, transitionID: id, in: scope, actor: actor,
                                                               reason: end != nil && !text.isEmpty ? text : nil,
                                                               correction: draft != nil ? text : nil)
            switch done {
            case .success(let status):
                req.flash(draft != nil ? "Demande de correction envoyée à l'usager (statut : \(status.label))." : "Statut de la demande \(number) : \(status.label).")
                return .success(req.redirect(to: "/bo/\(scope.slug)/demandes/\(number)", redirectType: .normal))
            case .failure(let refusal) where refusal.isAboutText: error = refusal.frenchMessage
            case .failure(let refusal): return .failure(refusal)
            }
        }
        let heading = "\(transition.label) — demande \(number)"
        var vm = ConfirmVM(
            layout: try await req.layout(scope, title: (error != nil ? "Erreur — " : "") + heading),
            slug: scope.slug, number: number, heading: heading, explanation: "", errorHeading: "", action: "/bo/\(scope.slug)/demandes/\(number)/transition",
            transition: transition.id, amount: nil, reasonLabel: "", reasonRequired: true, reasonHelp: "",
            reason: confirmed ? text : draft ?? "", error: error, appeal: nil, confirmLabel: "Confirmer : \(transition.label)")
        if let end {
            let decision = end.decision
            vm.explanation = "La demande « \(detail.demarche.definition.title) » sera close avec le statut « \(end.label) »"
                + (transition.notifiesCitizen && end.visibleToCitizen ? " ; l'usager en est informé par e-mail, avec le motif ci-dessous." : ".")
            vm.errorHeading = "La décision n'a pas été enregistrée"
            vm.amount = req.store.decisionAmount(of: detail, closingIn: end)
            vm.reasonLabel = "Motif de la décision"
            vm.reasonRequired = decision?.requiresReason == true
            vm.reasonHelp = "Il figure dans l'e-mail et sur la page de suivi de l'usager."
            vm.appeal = decision?.isUnfavourable == true ? Decision.appealWays(authority: scope.collectivite.name) : nil
        } else {
            vm.explanation = "L'usager reçoit ce texte par e-mail et sur sa page de suivi, avec le formulaire pour corriger sa demande."
                + (detail.demarche.definition.workflow.deadline != nil ? " Le délai de traitement est suspendu jusqu'à sa réponse." : "")
            vm.errorHeading = "La demande de correction n'a pas été envoyée"
            vm.reasonLabel = "Ce que l'usager doit corriger ou compléter"
            vm.reasonHelp = "Le texte prévu par la démarche : précisez-le pour cette demande (pièce manquante, réponse à revoir)."
        }
        return .success(req.guichet.renderer.html("grc/confirm", vm, status: error != nil ? .unprocessableEntity : .ok))
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
            reason.count > WorkflowDefinition.agentTextLimit ? TransitionRefusal.textTooLong.frenchMessage : nil
        guard asked, error == nil else {
            let vm = ConfirmVM(
                layout: try await req.layout(scope, title: (asked ? "Erreur — " : "") + "Rouvrir la demande \(number)"),
                slug: scope.slug, number: number, heading: "Rouvrir la demande \(number)",
                explanation: "La demande reprendra le statut « \(previous.label) », où elle était avant d'être close. Le motif figure dans l'historique, que l'usager voit aussi.",
                errorHeading: "La demande n'a pas été rouverte",
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
