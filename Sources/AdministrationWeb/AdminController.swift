import Foundation
import Storage
import Territory
import Vapor
import Workflow
import WebSupport

struct AdminController {
    struct TokensVM {
        struct Row { var id: String; var label: String; var owner: String; var access: String; var created: String; var expires: String }
        struct Choice { var value: String; var label: String; var selected: Bool }
        var layout: Layout; var slug: String; var token: String?
        /// Admins see every token of the collectivité; the others, theirs.
        var isAdmin: Bool
        var rows: [Row]
        var hasRows: Bool
        var lifetimes: [Choice]
        var accesses: [Choice]
        /// The key the collectivité's webhook receivers verify signatures with: admins only.
        var webhookKey: String?
    }

    func tokens(req: Request) async throws -> Response {
        let (scope, _) = try await req.agentScope()
        return try await tokensPage(req, scope, token: nil)
    }

    /// An API token acts as its agent, with the agent's roles in this collectivité (read only, or acting too),
    /// for 30, 90 or 365 days; shown once, stored hashed.
    func createToken(req: Request) async throws -> Response {
        let (scope, _) = try await req.agentScope()
        let label = String(req.form.value("libelle").prefix(100))
        let days = Int(req.form.value("duree")).flatMap { Store.apiTokenLifetimes.contains($0) ? $0 : nil } ?? 90
        let access = APIAccess(rawValue: req.form.value("acces")) ?? .lecture
        let token = try await req.store.issueAPIToken(label: label, days: days, access: access, in: scope)
        return try await tokensPage(req, scope, token: token)
    }

    func revokeToken(req: Request) async throws -> Response {
        let (scope, _) = try await req.agentScope()
        try await req.store.revokeAPIToken(id: req.form.value("jeton"), in: scope)
        req.flash("Jeton révoqué : il ne permet plus rien.")
        return req.redirect(to: "/bo/\(scope.slug)/jetons", redirectType: .normal)
    }

    private func tokensPage(_ req: Request, _ scope: TenantScope, token: String?) async throws -> Response {
        let rows = try await req.store.apiTokens(in: scope).map {
            TokensVM.Row(id: $0.id, label: $0.label.isEmpty ? "(sans libellé)" : $0.label, owner: "\($0.ownerName) (\($0.ownerEmail))",
                         access: $0.access.label, created: FrenchDate.string($0.createdAt), expires: $0.expiresAt.map(FrenchDate.string) ?? "jamais")
        }
        let vm = TokensVM(layout: try await req.layout(scope, title: "Jetons d'API"), slug: scope.slug, token: token, isAdmin: scope.isAdmin,
                          rows: rows, hasRows: !rows.isEmpty,
                          lifetimes: Store.apiTokenLifetimes.map { .init(value: String($0), label: "\($0) jours", selected: $0 == 90) },
                          accesses: APIAccess.allCases.map { .init(value: $0.rawValue, label: $0.label, selected: $0 == .lecture) },
                          webhookKey: scope.isAdmin ? req.guichet.webhookKey(scope.slug) : nil)
        return req.guichet.renderer.html("administration/tokens", vm)
    }

    struct MailVM {
        struct Row { var kind: String; var to: String; var subject: String; var attempts: Int; var error: String; var created: String; var next: String }
        var layout: Layout
        var slug: String
        var pending: Int
        var rows: [Row]
        var attempts = WorkflowAction.webhookAttempts
    }

    /// Undelivered messages (e-mails, SMS, webhook calls). The outbox is the platform's, so only the Métropole's
    /// admins (who run it) see it: the store refuses anyone else (403).
    func failingMail(req: Request) async throws -> Response {
        let (scope, _) = try await req.agentScope()
        let rows = try await req.store.failingMessages(in: scope).map {
            MailVM.Row(kind: $0.message.summary.kind, to: $0.message.summary.to, subject: $0.message.summary.subject, attempts: $0.attempts, error: $0.lastError ?? "",
                       created: FrenchDate.string($0.createdAt), next: FrenchDate.string($0.nextAttemptAt))
        }
        let vm = MailVM(layout: try await req.layout(scope, title: "Envois en échec"), slug: scope.slug,
                        pending: try await req.store.outboxCounts().pending, rows: rows)
        return req.guichet.renderer.html("administration/mail", vm)
    }

    func retryMail(req: Request) async throws -> Response {
        let (scope, _) = try await req.agentScope()
        try await req.store.retryFailingMessages(in: scope)
        await req.guichet.mailQueued()
        req.flash("Nouvel essai d'envoi lancé.")
        return req.redirect(to: "/bo/\(scope.slug)/courriels", redirectType: .normal)
    }
}
