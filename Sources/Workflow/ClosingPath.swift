/// How a request leaves the workflow well from where it is, for someone who holds every role: a town hall
/// answering through a relay link, outside the back-office, says « c'est fait » rather than picking buttons.
extension WorkflowDefinition {
    /// For each status, the fewest manual transitions to a closing status that is not an unfavourable decision
    /// (« Résolue », « Accordée »; not « Refusée » nor « Classée sans suite »). Statuses from which none is
    /// reachable are absent. Conditions are not looked at: they depend on the request, and are checked step by step.
    public var stepsToFavourableEnd: [String: Int] {
        var steps: [String: Int] = [:]
        for status in statuses where status.isEnd && !(status.decision?.isUnfavourable ?? false) { steps[status.id] = 0 }
        var changed = true
        while changed {
            changed = false
            for t in transitions where t.trigger == .manual {
                guard let after = steps[t.to] else { continue }
                for from in t.from where self.status(from)?.isEnd == false && (steps[from] ?? .max) > after + 1 {
                    steps[from] = after + 1
                    changed = true
                }
            }
        }
        return steps
    }

    /// The next step towards a favourable end among `available` (the transitions offered now), or nil.
    /// - Parameter staysOpen: only a move to a status that is not an end (taking the request in hand).
    public func nextStepToFavourableEnd(among available: [Transition], staysOpen: Bool = false) -> Transition? {
        let steps = stepsToFavourableEnd
        return available.filter { t in
            guard let target = status(t.to), let n = steps[t.to] else { return false }
            return staysOpen ? !target.isEnd && n > 0 : true
        }.min { (steps[$0.to] ?? .max) < (steps[$1.to] ?? .max) }
    }
}
