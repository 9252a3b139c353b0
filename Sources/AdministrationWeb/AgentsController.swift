import Demarches
import Foundation
import Messaging
import Storage
import Territory
import Vapor
import Workflow
import WebSupport

/// A collectivité's agents, for its admins: invite by e-mail, change roles, disable; the journal of it all. The
/// Métropole's admins also give a commune its first admin.
struct AgentsController {
    struct RoleChoice { var value: String; var label: String; var checked: Bool; var inputID: String }
    struct AgentRow { var accountID: String; var name: String; var email: String; var pending: Bool; var roleLabels: String; var roles: [RoleChoice] }
    struct JournalRow { var at: String; var author: String; var target: String; var description: String }
    struct CommuneChoice { var slug: String; var label: String }
    struct InviteForm { var email = ""; var name = ""; var roles: [RoleChoice]; var emailError: String?; var rolesError: String? }
    struct PageVM {
        var layout: Layout; var slug: String; var agents: [AgentRow]; var invite: InviteForm; var journal: [JournalRow]
        /// The Métropole's admins: communes with a back-office and how many admins each has.
        var communes: [CommuneChoice]
        var firstAdminError: String?
        var offersFirstAdmin: Bool
        var hasJournal: Bool
    }

    // Who may manage agents is the store's decision (`Store.agents`, `inviteAgent`…): its refusals become 403.

    func page(req: Request) async throws -> Response {
        let (scope, _) = try await req.agentScope()
        return try await render(req, scope, invite: nil)
    }

    func invite(req: Request) async throws -> Response {
        let (scope, _) = try await req.agentScope()
        let (account, email, name) = (try await req.requireAccount(), req.form.value("email").trimmingCharacters(in: .whitespaces), req.form.value("nom").trimmingCharacters(in: .whitespaces))
        let roles = req.form.values("roles")
        var errors: [String: String] = [:]
        if !Email.isValid(email) { errors["email"] = "Saisissez une adresse e-mail valide, par exemple prenom.nom@mairie.fr." }
        if roles.isEmpty { errors["roles"] = "Cochez au moins un rôle." }
        if !errors.isEmpty {
            let form = InviteForm(email: email, name: name, roles: Self.choices(try await availableRoles(req, scope), checked: Set(roles), prefix: "invite"),
                                  emailError: errors["email"], rolesError: errors["roles"])
            return try await render(req, scope, invite: form, status: .unprocessableEntity)
        }
        try await send(req, email: email, name: name.isEmpty ? email : String(name.prefix(120)), roles: roles, to: scope.collectivite, in: scope, author: account)
        req.flash("Invitation envoyée à \(email.lowercased()).")
        return req.redirect(to: "/bo/\(scope.slug)/agents", redirectType: .normal)
    }

    func setRoles(req: Request) async throws -> Response {
        let (scope, account) = try await req.agentScope()
        let target = req.parameters.get("account") ?? ""
        return try await change(req, scope, done: "Rôles enregistrés.") {
            try await req.store.setAgentRoles(accountID: target, roles: req.form.values("roles"), of: scope.slug, in: scope, author: account.name)
        }
    }

    func disable(req: Request) async throws -> Response {
        let (scope, account) = try await req.agentScope()
        return try await change(req, scope, done: "Accès retiré : ses sessions et ses jetons d'API ne valent plus rien.") {
            try await req.store.disableAgent(accountID: req.parameters.get("account") ?? "", of: scope.slug, in: scope, author: account.name)
        }
    }

    /// Makes a change, says how it went, and goes back to the list; the store refuses to leave the collectivité
    /// without an admin, or an agent without a role.
    private func change(_ req: Request, _ scope: TenantScope, done: String, _ body: () async throws -> Void) async throws -> Response {
        do {
            try await body()
            req.flash(done)
        } catch StoreError.conflict(let why) where why == "dernier-admin" {
            req.flash("Impossible : la collectivité n'aurait plus aucun administrateur.")
        } catch StoreError.conflict(let why) where why == "roles" {
            req.flash("Un agent garde au moins un rôle : pour lui retirer l'accès, utilisez « Désactiver ».")
        }
        return req.redirect(to: "/bo/\(scope.slug)/agents", redirectType: .normal)
    }

    /// The Métropole's admin gives a commune with a back-office its first admin (the store allows nobody else).
    func firstAdmin(req: Request) async throws -> Response {
        let (scope, account) = try await req.agentScope()
        let email = req.form.value("email").trimmingCharacters(in: .whitespaces)
        guard let commune = try await req.store.collectivite(slug: req.form.value("commune")), commune.kind == .commune, commune.hasBackOffice else {
            return try await render(req, scope, invite: nil, firstAdminError: "Choisissez une commune qui a un espace agents.", status: .unprocessableEntity)
        }
        guard Email.isValid(email) else {
            return try await render(req, scope, invite: nil, firstAdminError: "Saisissez une adresse e-mail valide.", status: .unprocessableEntity)
        }
        try await send(req, email: email, name: email, roles: ["admin"], to: commune, in: scope, author: account)
        req.flash("Invitation envoyée à \(email.lowercased()), administrateur de \(commune.name).")
        return req.redirect(to: "/bo/\(scope.slug)/agents", redirectType: .normal)
    }

    private func send(_ req: Request, email: String, name: String, roles: [String], to collectivite: Collectivite, in scope: TenantScope, author: Account) async throws {
        let url = req.guichet.url("/compte/nouveau-mot-de-passe?jeton=")
        let sorted = roles.sorted(), email = email.lowercased()
        _ = try await req.store.inviteAgent(email: email, name: name, roles: roles, to: collectivite.slug, in: scope, author: author.name) { token in
            Mails.agentInvitation(to: email, collectivite: collectivite.name, roles: sorted, link: url + token)
        }
        await req.guichet.mailQueued()
    }

    private func render(_ req: Request, _ scope: TenantScope, invite: InviteForm?, firstAdminError: String? = nil, status: HTTPStatus = .ok) async throws -> Response {
        let agents = try await req.store.agents(of: scope.slug, in: scope)
        let offered = try await availableRoles(req, scope)
        let labels = Dictionary(uniqueKeysWithValues: offered.map { ($0.slug, $0.name) })
        let rows = agents.map { agent in
            AgentRow(accountID: agent.accountID, name: agent.name, email: agent.email, pending: agent.pending,
                     roleLabels: agent.roles.map { labels[$0] ?? $0 }.joined(separator: ", "),
                     roles: Self.choices(offered, checked: Set(agent.roles), prefix: "r-\(agent.accountID)"))
        }
        let journal = try await req.store.agentJournal(of: scope.slug, in: scope).map {
            JournalRow(at: FrenchDate.string($0.at), author: $0.author, target: $0.target, description: $0.description)
        }
        var communes: [CommuneChoice] = []
        if scope.collectivite.kind == .metropole {
            let counts = try await req.store.communeAdminCounts(in: scope)
            communes = try await req.store.collectivites().filter { $0.kind == .commune && $0.hasBackOffice }.map {
                let n = counts[$0.slug] ?? 0
                return CommuneChoice(slug: $0.slug, label: "\($0.name) — " + (n == 0 ? "aucun administrateur" : "\(n) administrateur\(n > 1 ? "s" : "")"))
            }
        }
        let form = invite ?? InviteForm(roles: Self.choices(offered, checked: [], prefix: "invite"))
        let title = (invite?.emailError != nil || invite?.rolesError != nil || firstAdminError != nil ? "Erreur — " : "") + "Agents"
        let vm = PageVM(layout: try await req.layout(scope, title: title), slug: scope.slug, agents: rows, invite: form, journal: journal,
                        communes: communes, firstAdminError: firstAdminError, offersFirstAdmin: !communes.isEmpty, hasJournal: !journal.isEmpty)
        return req.guichet.renderer.html("administration/agents", vm, status: status)
    }

    /// The roles offered: admin, then the collectivité's services (`Store.serviceRoles`).
    private func availableRoles(_ req: Request, _ scope: TenantScope) async throws -> [(slug: String, name: String)] {
        [("admin", "Administrateur")] + (try await req.store.serviceRoles(of: scope.slug))
    }

    static func choices(_ roles: [(slug: String, name: String)], checked: Set<String>, prefix: String) -> [RoleChoice] {
        roles.map { RoleChoice(value: $0.slug, label: $0.name, checked: checked.contains($0.slug), inputID: "\(prefix)-\($0.slug)") }
    }
}
