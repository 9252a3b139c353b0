import Foundation
import SQLKit
import Workflow

/// Timers (`timers`): a timed transition's, armed on entering its status, and the legal deadline's, armed at
/// filing. The timer worker fires those due by the store's clock.
extension Store {
    /// Timers due by the store's clock, fired oldest first; returns how many were claimed. Each is claimed first
    /// (`claimDueTimers`), so processes sharing the database split the due timers instead of all loading the same
    /// requests; and each is deleted in the transaction that applies it, so no timer fires twice even when a claim
    /// ran out on a slow process.
    @discardableResult
    public func fireDueTimers(limit: Int = 100) async throws -> Int {
        let now = nowMillis
        let due = try await claimDueTimers(limit: limit, lease: Self.timerLease)
        for timer in due {
            guard let detail = try await loadDemande(whereClause: "d.id = ", timer.demandeId, collectivite: nil) else {
                try await write { sql in try await sql.raw("DELETE FROM timers WHERE id = \(bind: timer.id)").run() }
                continue
            }
            let definition = detail.demarche.definition
            let engine = engine(for: definition)
            let values = values(of: detail)
            var run: WorkflowEngine.Outcome?
            if timer.kind == "deadline", let deadline = definition.workflow.deadline,
               definition.workflow.status(detail.status)?.isEnd == false, detail.correction == nil {
                run = engine.jump(to: deadline.status, label: deadline.label, from: detail.status, values: values, now: clock())
            } else if timer.kind == "transition", timer.status == detail.status,
                      let transition = timer.transitionId.flatMap(definition.workflow.transition),
                      transition.condition.map({ engine.holds($0, values: values) }) ?? true {
                run = engine.take(transition, from: detail.status, values: values, now: clock())
            }
            let decided = run
            do {
                let removed = try await write { sql -> [String] in
                    guard try await sql.raw("DELETE FROM timers WHERE id = \(bind: timer.id) AND paused_at IS NULL RETURNING id").first() != nil else { return [] }
                    guard let decided else { return [] }
                    return try await self.apply(decided, to: detail, actor: .system, at: now, on: sql)
                }
                removeFiles(removed)
            } catch StoreError.conflict {
                // The request moved meanwhile: the timer is due again now, to be looked at against the new status.
                try await write { sql in try await sql.raw("UPDATE timers SET due_at = \(bind: now) WHERE id = \(bind: timer.id)").run() }
                continue
            }
            demandeState.inboxCounts.invalidate(detail.collectivite)
        }
        return due.count
    }

    /// How long a claimed timer is left to the process that claimed it; if that process dies, another one fires
    /// the timer this much later.
    static let timerLease: TimeInterval = 60

    struct ClaimedTimer: Decodable { var id: String; var demandeId: String; var kind: String; var transitionId: String?; var status: String }

    /// Takes the due timers for this process for `lease` seconds (`Store.claim`): their due time moves by that much.
    func claimDueTimers(limit: Int, lease: TimeInterval) async throws -> [ClaimedTimer] {
        let due = Claim(table: "timers", dueColumn: "due_at", condition: "paused_at IS NULL", order: "due_at",
                        returning: "id, demande_id, kind, transition_id, status")
        return try await claim(due, limit: limit, lease: lease, as: ClaimedTimer.self)
    }

    /// When the next timer is due, for the worker to sleep until then.
    public func nextTimerDue() async throws -> Date? {
        try await sql.raw("SELECT MIN(due_at) AS d FROM timers WHERE paused_at IS NULL")
            .first(decodingColumn: "d", as: Int64?.self).flatMap { $0 }.map(Date.init(millis:))
    }

    static let timerColumns = ["id", "demande_id", "kind", "transition_id", "status", "due_at", "paused_at"]

    static func timerRow(demandeID: String, kind: String, transitionID: String?, status: String, due: Date) -> [any Encodable & Sendable] {
        [newID(), demandeID, kind, transitionID, status, Int64((due.timeIntervalSince1970 * 1000).rounded()), Int64?.none]
    }
}
