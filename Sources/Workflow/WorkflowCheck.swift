import Expressions
import Foundation

/// Structural checks run before a workflow is saved: a workflow that fails them is refused. `logic` holds the
/// problems of its expressions (see `WorkflowLogic`).
public enum WorkflowCheck {
    public static func problems(in workflow: WorkflowDefinition, logic: WorkflowLogic? = nil) -> [String] {
        var problems: [String] = []
        let ids = workflow.statuses.map(\.id)
        let known = Set(ids)
        if workflow.statuses.isEmpty { return ["Le workflow n'a aucun statut."] }
        if known.count != ids.count { problems.append("Deux statuts ont le même identifiant.") }
        let buttonIDs = workflow.transitions.map(\.id) + workflow.globalActions.map(\.id)
        if Set(buttonIDs).count != buttonIDs.count {
            problems.append("Deux transitions ou actions globales ont le même identifiant.")
        }
        if !known.contains(workflow.initialStatus) {
            problems.append("Le statut initial « \(workflow.initialStatus) » n'existe pas.")
        }
        for t in workflow.transitions {
            for s in t.from + [t.to] where !known.contains(s) {
                problems.append("La transition « \(t.label) » mentionne un statut inconnu « \(s) ».")
            }
            if t.from.isEmpty { problems.append("La transition « \(t.label) » ne part d'aucun statut.") }
            switch t.trigger {
            case .manual where t.roles.isEmpty: problems.append("La transition « \(t.label) » n'est permise à aucun rôle.")
            case .after(let delay) where !delay.isUsable:
                problems.append("Le délai de la transition « \(t.label) » doit être positif et d'au plus 100 ans.")
            default: break
            }
        }
        for g in workflow.globalActions {
            if g.roles.isEmpty { problems.append("L'action « \(g.label) » n'est permise à aucun rôle.") }
            if g.actions.isEmpty { problems.append("L'action « \(g.label) » ne fait rien.") }
        }
        for status in workflow.statuses {
            let leaves = workflow.transitions.contains { $0.from.contains(status.id) }
            if status.isEnd && leaves { problems.append("Le statut final « \(status.label) » ne peut pas avoir de transition sortante.") }
            if !status.isEnd && !leaves { problems.append("Le statut « \(status.label) » n'a aucune issue et n'est pas un statut final.") }
            if !status.isEnd && status.decision != nil { problems.append("Seul un statut final peut porter une décision (« \(status.label) » ne l'est pas).") }
            if status.decisionAmount != nil && status.decision != .accord {
                problems.append("Seul un accord peut indiquer un montant accordé (statut « \(status.label) »).")
            }
        }
        if let deadline = workflow.deadline {
            if !deadline.delay.isUsable { problems.append("Le délai légal de réponse doit être positif et d'au plus 100 ans.") }
            if let target = workflow.status(deadline.status) {
                if !target.isEnd { problems.append("La décision implicite doit mener à un statut final (« \(target.label) » ne l'est pas).") }
            } else {
                problems.append("La décision implicite mène à un statut inconnu « \(deadline.status) ».")
            }
        }
        problems += actionProblems(workflow, known: known)
        if let cycle = automaticCycle(workflow) {
            problems.append("Les transitions automatiques sans condition forment une boucle : \(cycle.joined(separator: " → ")).")
        }
        let reachable = reachableStatuses(workflow)
        for status in workflow.statuses where !reachable.contains(status.id) {
            problems.append("Le statut « \(status.label) » est inaccessible depuis le statut initial.")
        }
        if !workflow.statuses.contains(where: \.isEnd) { problems.append("Le workflow n'a aucun statut final.") }
        return problems + (logic?.problems ?? [])
    }

    private static func actionProblems(_ workflow: WorkflowDefinition, known: Set<String>) -> [String] {
        var problems: [String] = []
        var webhooks: Set<String> = [], documents: Set<String> = []
        for (action, place) in WorkflowLogic.allActions(workflow) {
            switch action {
            case .email(let to, _, _):
                switch to {
                case .role(let r) where r.isEmpty: problems.append("Un e-mail \(place) est adressé à un rôle sans nom.")
                case .address(let a) where !Email.isValid(a): problems.append("Un e-mail \(place) a un destinataire invalide « \(a) » (attendu : citizen, role:…, ou une adresse).")
                default: break
                }
            case .webhook(let id, let url, let onError):
                if !webhooks.insert(id).inserted { problems.append("Deux webhooks portent l'identifiant « \(id) ».") }
                if !isIdentifier(id) { problems.append("L'identifiant du webhook « \(id) » doit être en minuscules, chiffres et _.") }
                if URL(string: url).map({ ($0.scheme == "https" || $0.scheme == "http") && $0.host != nil }) != true {
                    problems.append("L'adresse du webhook « \(id) » n'est pas une URL http(s) : « \(url) ».")
                }
                if let onError, !known.contains(onError) { problems.append("Le webhook « \(id) » mène en cas d'erreur à un statut inconnu « \(onError) ».") }
            case .assign(let role, _) where role.isEmpty: problems.append("Une affectation \(place) ne nomme aucun rôle.")
            case .set(let field, _, _) where !isIdentifier(field):
                problems.append("Le champ de suivi « \(field) » doit être en minuscules, chiffres et _.")
            case .correction(_, let then?) where !known.contains(then):
                problems.append("La demande de correction \(place) mène à un statut inconnu « \(then) ».")
            case .document(let id, _, _, _):
                if !documents.insert(id).inserted { problems.append("Deux documents portent l'identifiant « \(id) ».") }
                if !isIdentifier(id) { problems.append("L'identifiant du document « \(id) » doit être en minuscules, chiffres et _.") }
            default: break
            }
        }
        return problems
    }

    /// Statuses reached from the initial one by any transition, the implicit decision, a correction sent back,
    /// or a webhook's error branch.
    static func reachableStatuses(_ workflow: WorkflowDefinition) -> Set<String> {
        var edges: [String: [String]] = [:]
        for t in workflow.transitions { for f in t.from { edges[f, default: []].append(t.to) } }
        var jumps: [String] = workflow.deadline.map { [$0.status] } ?? []
        for (action, _) in WorkflowLogic.allActions(workflow) {
            if case .correction(_, let then?) = action { jumps.append(then) }
            if case .webhook(_, _, let onError?) = action { jumps.append(onError) }
        }
        var seen: Set<String> = [workflow.initialStatus]
        var frontier = [workflow.initialStatus] + jumps
        seen.formUnion(jumps)
        while let s = frontier.popLast() {
            for next in edges[s] ?? [] where !seen.contains(next) { seen.insert(next); frontier.append(next) }
        }
        return seen
    }

    /// A loop of automatic transitions without conditions would never stop (the engine caps hops anyway).
    /// Depth-first over those transitions; returns the first loop found, as statuses.
    static func automaticCycle(_ workflow: WorkflowDefinition) -> [String]? {
        var edges: [String: [String]] = [:]
        for t in workflow.transitions where t.trigger == .automatic && t.condition == nil {
            for f in t.from { edges[f, default: []].append(t.to) }
        }
        var done: Set<String> = []
        func visit(_ status: String, _ path: [String]) -> [String]? {
            if let i = path.firstIndex(of: status) { return Array(path[i...]) + [status] }
            guard !done.contains(status) else { return nil }
            for next in edges[status] ?? [] {
                if let cycle = visit(next, path + [status]) { return cycle }
            }
            done.insert(status)
            return nil
        }
        for start in edges.keys.sorted() {
            if let cycle = visit(start, []) { return cycle }
        }
        return nil
    }

    static func isIdentifier(_ s: String) -> Bool {
        !s.isEmpty && s.count <= 64 && s.unicodeScalars.allSatisfy { ($0 >= "a" && $0 <= "z") || ($0 >= "0" && $0 <= "9") || $0 == "_" }
    }
}
