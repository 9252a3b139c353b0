/// Structural checks run before a workflow is saved: a workflow that fails them is refused.
public enum WorkflowCheck {
    public static func problems(in workflow: WorkflowDefinition) -> [String] {
        var problems: [String] = []
        let ids = workflow.statuses.map(\.id)
        let known = Set(ids)
        if workflow.statuses.isEmpty { return ["Le workflow n'a aucun statut."] }
        if known.count != ids.count { problems.append("Deux statuts ont le même identifiant.") }
        if Set(workflow.transitions.map(\.id)).count != workflow.transitions.count {
            problems.append("Deux transitions ont le même identifiant.")
        }
        if !known.contains(workflow.initialStatus) {
            problems.append("Le statut initial « \(workflow.initialStatus) » n'existe pas.")
        }
        for t in workflow.transitions {
            for s in t.from + [t.to] where !known.contains(s) {
                problems.append("La transition « \(t.label) » mentionne un statut inconnu « \(s) ».")
            }
            if t.roles.isEmpty { problems.append("La transition « \(t.label) » n'est permise à aucun rôle.") }
            if t.from.isEmpty { problems.append("La transition « \(t.label) » ne part d'aucun statut.") }
        }
        for status in workflow.statuses {
            let leaves = workflow.transitions.contains { $0.from.contains(status.id) }
            if status.isEnd && leaves { problems.append("Le statut final « \(status.label) » ne peut pas avoir de transition sortante.") }
            if !status.isEnd && !leaves { problems.append("Le statut « \(status.label) » n'a aucune issue et n'est pas un statut final.") }
        }
        let reachable = reachableStatuses(workflow)
        for status in workflow.statuses where !reachable.contains(status.id) {
            problems.append("Le statut « \(status.label) » est inaccessible depuis le statut initial.")
        }
        if !workflow.statuses.contains(where: \.isEnd) { problems.append("Le workflow n'a aucun statut final.") }
        return problems
    }

    static func reachableStatuses(_ workflow: WorkflowDefinition) -> Set<String> {
        var seen: Set<String> = [workflow.initialStatus]
        var frontier = [workflow.initialStatus]
        while let s = frontier.popLast() {
            for t in workflow.transitions where t.from.contains(s) && !seen.contains(t.to) {
                seen.insert(t.to); frontier.append(t.to)
            }
        }
        return seen
    }
}
