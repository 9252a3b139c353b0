import Demarches
import Foundation
import Workflow

/// The designer's forms for a status and a transition: inputs drawn from the element, and the element read back
/// from the posted inputs with a French message per input that does not make sense. Their actions are edited one
/// by one (`ActionForm`); these forms keep them as they are.
enum WorkflowForms {
    struct StatusInputs { var id = "", label = "", colour = "blue", isEnd = false, visible = true, decision = "", amount = "" }
    struct TransitionInputs {
        var id = "", label = "", from: [String] = [], to = "", trigger = "manual", delayCount = "", delayUnit = "days"
        var roles = "", condition = "", notifies = true
    }

    struct GlobalActionInputs { var id = "", label = "", roles = "" }

    /// Roles as the inputs keep them: comma-separated, as ticked or as stored.
    static func roleList(_ text: String) -> [String] {
        text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }

    static func inputs(of g: GlobalAction) -> GlobalActionInputs {
        GlobalActionInputs(id: g.id, label: g.label, roles: g.roles.joined(separator: ","))
    }

    static func globalAction(from i: GlobalActionInputs, actions: [WorkflowAction]) -> Result<GlobalAction, FieldForm.Errors> {
        var errors: [String: String] = [:]
        if i.label.trimmingCharacters(in: .whitespaces).isEmpty { errors["libelle"] = "Le libellé est obligatoire." }
        if !FieldForm.isIdentifier(i.id) { errors["identifiant"] = "En minuscules, chiffres et _ (par exemple relancer)." }
        let roles = roleList(i.roles)
        if roles.isEmpty { errors["roles"] = "Cochez au moins un rôle qui peut appuyer sur ce bouton." }
        guard errors.isEmpty else { return .failure(FieldForm.Errors(messages: errors)) }
        return .success(GlobalAction(id: i.id, label: i.label.trimmingCharacters(in: .whitespaces), roles: roles, actions: actions))
    }

    /// The legal deadline from its inputs: none when the delay is left empty.
    static func deadline(count: String, unit: String, silence: String, status: String) -> Result<LegalDeadline?, FieldForm.Errors> {
        let text = count.trimmingCharacters(in: .whitespaces)
        if text.isEmpty { return .success(nil) }
        guard let n = Int(text), (1...999).contains(n) else { return .failure(FieldForm.Errors(messages: ["delai_legal": "Un nombre entier de 1 à 999, ou vide pour aucun délai."])) }
        return .success(LegalDeadline(delay: delay(n, unit), silence: silence == "accord" ? .accord : .rejet, status: status))
    }

    static func delay(_ n: Int, _ unit: String) -> Delay {
        switch unit {
        case "months": Delay(months: n)
        case "hours": Delay(hours: n)
        case "minutes": Delay(minutes: n)
        default: Delay(days: n)
        }
    }

    /// A delay as a count and a unit, for the inputs.
    static func parts(of d: Delay) -> (count: String, unit: String) {
        d.months > 0 ? (String(d.months), "months") : d.days > 0 ? (String(d.days), "days")
            : d.hours > 0 ? (String(d.hours), "hours") : (String(d.minutes), "minutes")
    }

    static let units: [(String, String)] = [("minutes", "minutes"), ("hours", "heures"), ("days", "jours"), ("months", "mois")]

    static func inputs(of s: Status) -> StatusInputs {
        StatusInputs(id: s.id, label: s.label, colour: s.colour.rawValue, isEnd: s.isEnd, visible: s.visibleToCitizen,
                     decision: s.decision?.rawValue ?? "", amount: s.decisionAmount ?? "")
    }

    static func inputs(of t: Transition) -> TransitionInputs {
        var i = TransitionInputs(id: t.id, label: t.label, from: t.from, to: t.to, roles: t.roles.joined(separator: ","),
                                 condition: t.condition ?? "", notifies: t.notifiesCitizen)
        switch t.trigger {
        case .manual: i.trigger = "manual"
        case .automatic: i.trigger = "automatic"
        case .after(let d):
            i.trigger = "after"
            (i.delayCount, i.delayUnit) = parts(of: d)
        }
        return i
    }

    static func status(from i: StatusInputs, actions: [WorkflowAction]) -> Result<Status, FieldForm.Errors> {
        var errors: [String: String] = [:]
        if i.label.trimmingCharacters(in: .whitespaces).isEmpty { errors["libelle"] = "Le libellé est obligatoire." }
        if !FieldForm.isIdentifier(i.id) { errors["identifiant"] = "En minuscules, chiffres et _ (par exemple en_cours)." }
        let colour = StatusColour(rawValue: i.colour) ?? .blue
        let decision = Decision(rawValue: i.decision)
        if decision != nil && !i.isEnd { errors["decision"] = "Seul un statut de fin porte une décision : cochez « Statut de fin » ou choisissez « Aucune »." }
        if !i.amount.isEmpty && decision != .accord { errors["montant"] = "Le montant accordé ne vaut que pour un accord." }
        guard errors.isEmpty else { return .failure(FieldForm.Errors(messages: errors)) }
        return .success(Status(id: i.id, label: i.label.trimmingCharacters(in: .whitespaces), colour: colour, isEnd: i.isEnd,
                               visibleToCitizen: i.visible, onEnter: actions, decision: decision, decisionAmount: i.amount.isEmpty ? nil : i.amount))
    }

    static func transition(from i: TransitionInputs, actions: [WorkflowAction]) -> Result<Transition, FieldForm.Errors> {
        var errors: [String: String] = [:]
        if i.label.trimmingCharacters(in: .whitespaces).isEmpty { errors["libelle"] = "Le libellé est obligatoire." }
        if !FieldForm.isIdentifier(i.id) { errors["identifiant"] = "En minuscules, chiffres et _ (par exemple accepter)." }
        if i.from.isEmpty { errors["depuis"] = "Cochez au moins un statut de départ." }
        if i.to.isEmpty { errors["vers"] = "Choisissez le statut d'arrivée." }
        var trigger = Trigger.manual
        switch i.trigger {
        case "automatic": trigger = .automatic
        case "after":
            if let n = Int(i.delayCount.trimmingCharacters(in: .whitespaces)), (1...999).contains(n) {
                trigger = .after(delay(n, i.delayUnit))
            } else { errors["delai"] = "Un nombre entier de 1 à 999." }
        default: trigger = .manual
        }
        let roles = roleList(i.roles)
        if trigger == .manual && roles.isEmpty { errors["roles"] = "Cochez au moins un rôle qui peut appuyer sur ce bouton." }
        guard errors.isEmpty else { return .failure(FieldForm.Errors(messages: errors)) }
        let condition = i.condition.trimmingCharacters(in: .whitespacesAndNewlines)
        return .success(Transition(id: i.id, label: i.label.trimmingCharacters(in: .whitespaces), from: i.from, to: i.to, trigger: trigger,
                                   roles: trigger == .manual ? roles : [], condition: condition.isEmpty ? nil : condition,
                                   actions: actions, notifiesCitizen: i.notifies))
    }

    static let colourNames: [(StatusColour, String)] = [(.blue, "Bleu"), (.orange, "Orange"), (.green, "Vert"), (.red, "Rouge"), (.grey, "Gris"), (.purple, "Violet")]
}
