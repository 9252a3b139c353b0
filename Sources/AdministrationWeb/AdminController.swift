import Foundation
import Storage
import Territory
import Vapor
import Workflow
import WebSupport

struct AdminController {
    struct TokensVM {
        var layout: Layout; var slug: String; var token: String?
        /// The key the collectivité's webhook receivers verify signatures with: admins only.
        var webhookKey: String?
    }

    func tokens(req: Request) async throws -> Response {
        let (scope, _) = try await req.agentScope()
        return req.guichet.renderer.html("administration/tokens", TokensVM(layout: try await req.layout(scope, title: "Jetons d'API"), slug: scope.slug, token: nil,
                                                                     webhookKey: scope.isAdmin ? req.guichet.webhookKey(scope.slug) : nil))
    }

    /// An API token acts as its agent, with the agent's roles in this collectivité; shown once, stored hashed.
    func createToken(req: Request) async throws -> Response {
        let (scope, account) = try await req.agentScope()
        let label = String(req.form.value("libelle").prefix(100))
        let token = try await req.store.issueToken(accountID: account.id, purpose: .api, lifetime: 365 * 86_400,
                                                   collectivite: scope.slug, label: label.isEmpty ? nil : label)
        return req.guichet.renderer.html("administration/tokens", TokensVM(layout: try await req.layout(scope, title: "Jetons d'API"), slug: scope.slug, token: token,
                                                                     webhookKey: scope.isAdmin ? req.guichet.webhookKey(scope.slug) : nil))
    }

    struct MailVM {
        struct Row { var kind: String; var to: String; var subject: String; var attempts: Int; var error: String; var created: String; var next: String }
        var layout: Layout
        var slug: String
        var pending: Int
        var rows: [Row]
        var attempts = WorkflowAction.webhookAttempts
    }

    /// Undelivered messages (e-mails, SMS, webhook calls). The outbox is the platform's, so only the Métropole's admins (who run it) see it.
    func failingMail(req: Request) async throws -> Response {
        let scope = try await platformAdmin(req)
        let rows = try await req.store.failingMessages(in: scope).map {
            MailVM.Row(kind: $0.message.summary.kind, to: $0.message.summary.to, subject: $0.message.summary.subject, attempts: $0.attempts, error: $0.lastError ?? "",
                       created: FrenchDate.string($0.createdAt), next: FrenchDate.string($0.nextAttemptAt))
        }
        let vm = MailVM(layout: try await req.layout(scope, title: "Envois en échec"), slug: scope.slug,
                        pending: try await req.store.outboxCounts().pending, rows: rows)
        return req.guichet.renderer.html("administration/mail", vm)
    }

    func retryMail(req: Request) async throws -> Response {
        let scope = try await platformAdmin(req)
        try await req.store.retryFailingMessages(in: scope)
        await req.guichet.mailQueued()
        req.flash("Nouvel essai d'envoi lancé.")
        return req.redirect(to: "/bo/\(scope.slug)/courriels", redirectType: .normal)
    }

    private func platformAdmin(_ req: Request) async throws -> TenantScope {
        let (scope, _) = try await req.agentScope()
        guard scope.isAdmin, scope.collectivite.kind == .metropole else { throw Abort(.forbidden) }
        return scope
    }
}
