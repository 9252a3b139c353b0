import Demarches
import Foundation
import Routing
import SQLKit
import Workflow

/// The citizen writes to the service handling their request, from its follow-up page: a reply to a message, a
/// document asked for. The agents who handle it are told, with a link to the back office.
extension Store {
    /// Records the citizen's message (already checked: `CitizenReply`) and its files in the history, and e-mails the
    /// request's handlers. `seen` is the citizen's view of the request; a closed request takes no more messages
    /// (a conflict), since nobody would read them.
    public func reply(to seen: DemandeDetail, text: String, files newFiles: [(StoredFile, [UInt8])], actor: Actor) async throws {
        guard let detail = try await loadDemande(whereClause: "d.id = ", seen.id, collectivite: seen.collectivite) else { throw StoreError.notFound }
        guard detail.demarche.definition.workflow.status(detail.status)?.isEnd == false else { throw StoreError.conflict("closed") }
        for (file, bytes) in newFiles { try files.write(id: file.id, bytes: bytes) }
        let now = nowMillis
        try await write { sql in
            let seq = try await self.appendEvent(on: sql, demandeID: detail.id, kind: .reply, actor: actor, from: nil, to: nil, body: text, at: now)
            try await Self.insertRows(into: "demande_files", columns: Self.fileColumns,
                                      newFiles.map { Self.fileRow($0.0, demandeID: detail.id, fieldID: DemandeDetail.replyField(seq: seq)) }, on: sql)
            try await sql.raw("UPDATE demandes SET updated_at = \(bind: now) WHERE id = \(bind: detail.id)").run()
            let notice = ConnectorNotice(type: .message, occurredAt: self.clock(), number: detail.number, status: detail.status,
                                         statusLabel: self.statusLabel(detail.status, of: detail), message: text)
            try await self.queueConnectorNotice(notice, of: detail, position: seq, at: now, on: sql)
            let attached = newFiles.isEmpty ? "" : "\n\nPièces jointes : " + newFiles.map(\.0.filename).joined(separator: ", ") + "."
            try await self.notifyHandlers(of: detail, subject: "Demande \(detail.number) : message de l'usager",
                                          body: "L'usager vous écrit :\n\n" + text + attached, at: now, on: sql)
        }
    }

    /// E-mails the agents handling a request about what the citizen did: the agent it is assigned to, else the
    /// agents of its role, else those who may act on it in its status (the service that would otherwise never know).
    func notifyHandlers(of detail: DemandeDetail, subject: String, body: String, at now: Int64, on sql: any SQLDatabase) async throws {
        var to = detail.assignedAgent.map { [$0] } ?? []
        if to.isEmpty, let role = detail.assignedRole { to = try await recipients(.role(role), of: detail, on: sql) }
        if to.isEmpty {
            let workflow = detail.demarche.definition.workflow
            let roles = Set(workflow.transitions.filter { $0.trigger == .manual && $0.from.contains(detail.status) }.flatMap(\.roles))
            for role in roles.sorted() { to += try await recipients(.role(role), of: detail, on: sql) }
        }
        guard !to.isEmpty else { return }
        let name = try await collectivite(slug: detail.collectivite)?.name ?? detail.collectivite
        let about = WorkflowMails.About(email: detail.email, collectivite: name, slug: detail.collectivite,
                                        demarche: detail.demarche.definition.title, number: detail.number)
        var seen = Set<String>()
        try await Self.insertOutbox(to.filter { seen.insert($0.lowercased()).inserted }.map { .email(mails.authored(about, $0, subject, body, true)) },
                                    at: now, on: sql)
    }
}
