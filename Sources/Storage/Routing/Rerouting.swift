import Foundation
import Routing
import SQLKit

extension Store {
    /// An agent of the collectivité a request was filed with changes who answers for it (`Router.reroute`): the
    /// request's category, collectivité and service (its assignment too, when routing made it), a history line with both sides (`historyLine`), and, when it
    /// leaves a commune, that commune's relay link stops working; `relay` is the new commune's relay, if any.
    /// Returns false, with nothing written, when the decision changes nothing.
    public func reroute(number: String, to decision: RoutingDecision, historyLine: String, relay: RelayOrder?,
                        in scope: TenantScope, actor: Actor) async throws -> Bool {
        guard let detail = try await demande(number: number, in: scope) else { throw StoreError.notFound }
        let old = detail.routing
        guard old?.collectivite != decision.collectivite.slug || old?.service != decision.service || old?.category != decision.category?.id
        else { return false }
        let now = nowMillis
        try await write { sql in
            try await sql.raw("""
                UPDATE demandes SET category = \(bind: decision.category?.id), routed_to = \(bind: decision.collectivite.slug),
                    routed_service = \(bind: decision.service), updated_at = \(bind: now)
                WHERE id = \(bind: detail.id) AND collectivite = \(bind: scope.slug)
                """).run()
            // An assignment routing made follows the new route; one an agent or the workflow made stays.
            if detail.assignedRole == nil || detail.assignedRole == old?.service {
                try await sql.raw("""
                    UPDATE demandes SET assigned_role = \(bind: decision.service), assigned_agent = NULL WHERE id = \(bind: detail.id)
                    """).run()
            }
            let seq = try await self.appendEvent(on: sql, demandeID: detail.id, kind: .rerouted, actor: actor, from: nil, to: nil,
                                                 body: historyLine, at: now)
            if old?.collectivite != decision.collectivite.slug {
                // The commune's software hears that the request left it, before its relay ends.
                let notice = ConnectorNotice(type: .withdrawn, occurredAt: self.clock(), number: detail.number, status: detail.status,
                                             statusLabel: self.statusLabel(detail.status, of: detail), message: historyLine)
                try await self.queueConnectorNotice(notice, of: detail, position: seq, at: now, on: sql)
                try await sql.raw("""
                    UPDATE relays SET expires_at = \(bind: now) WHERE demande_id = \(bind: detail.id) AND expires_at > \(bind: now) AND closed_at IS NULL
                    """).run()
                if let relay {
                    let filed = FiledDemande(id: detail.id, number: detail.number, trackingCode: "", status: detail.status, submittedAt: detail.submittedAt)
                    try await Self.insertRelays([(relay, filed, seq + 1)], at: now, on: sql)
                }
            }
        }
        demandeState.inboxCounts.invalidate(scope.slug)
        return true
    }
}
