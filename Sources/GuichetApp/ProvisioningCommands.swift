import Foundation
import Storage
import Territory
import Vapor
import Workflow

/// `guichet init [--adhesions FILE]`: the territory (the 59 collectivités, boundaries, town halls) and the
/// communes' offers, without any demo account or démarche: how a real instance starts. Idempotent.
struct InitCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Option(name: "adhesions", help: "CSV with code_insee and toodego_offre columns (partenaire, connecte, abonne or empty); default: the 2025 deliberation's signatories")
        var adhesions: String?
    }
    var help: String { "Loads the territory and the communes' offers, without demo data (idempotent)." }

    func run(using context: CommandContext, signature: Signature) async throws {
        let store = context.application.guichet.store
        if let path = signature.adhesions {
            let text: String
            do { text = try String(contentsOf: URL(fileURLWithPath: path), encoding: .utf8) } catch { throw BundleCommand.Failure("\(path) : fichier illisible") }
            let territory: [Collectivite]
            do { territory = try TerritoryData.load(memberships: text) } catch { throw BundleCommand.Failure("Fichier refusé, rien n'a changé : \(error)") }
            try await store.loadTerritory(territory)
            try await store.setMemberships(territory)
        } else {
            try await store.loadTerritory(try TerritoryData.load())
        }
        let all = try await store.collectivites()
        let offers = Membership.allCases.filter { $0 != .none }.map { offer in "\(all.filter { $0.membership == offer }.count) \(offer.label.lowercased())" }
        context.console.print("""
            Territoire : \(all.count) collectivités (\(offers.joined(separator: ", "))).
            Aucun compte ni démarche n'a été créé. Premier administrateur : guichet admin create --email … --collectivite metropole
            """)
    }
}

/// `guichet admin create --email E --collectivite C [--roles admin,…] [--nom N]`: an administrator (or agent)
/// without going through the web, for the first one. Prints a one-time link (7 days) to choose the password;
/// run again, it adds the roles and prints a new link. Scriptable: no prompt, exit status 0 on success.
struct AdminCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Argument(name: "action", help: "create") var action: String
        @Option(name: "email", help: "the person's e-mail address") var email: String?
        @Option(name: "collectivite", help: "the collectivité's slug (metropole, caluire-et-cuire…)") var collectivite: String?
        @Option(name: "roles", help: "comma-separated roles (default: admin)") var roles: String?
        @Option(name: "nom", help: "the person's name (default: the address)") var name: String?
    }
    var help: String { "Creates an administrator (or agent) and prints a one-time link to choose the password." }

    func run(using context: CommandContext, signature: Signature) async throws {
        guard signature.action == "create" else { throw BundleCommand.Failure("action inconnue « \(signature.action) » (create)") }
        let store = context.application.guichet.store
        guard let email = signature.email?.trimmingCharacters(in: .whitespaces), Email.isValid(email) else {
            throw BundleCommand.Failure("--email : une adresse e-mail valide")
        }
        guard let slug = signature.collectivite, let scope = try await store.operatorScope(slug: slug) else {
            throw BundleCommand.Failure("--collectivite : une collectivité du territoire (guichet init d'abord)")
        }
        guard scope.collectivite.hasBackOffice else {
            throw BundleCommand.Failure("\(scope.collectivite.name) n'a pas de back-office (offre : \(scope.collectivite.membership.label))")
        }
        let roles = (signature.roles ?? "admin").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        let invitation: AgentInvitation
        do {
            invitation = try await store.inviteAgent(email: email, name: signature.name ?? email, roles: roles, to: slug, in: scope,
                                                     author: "ligne de commande (\(ProcessInfo.processInfo.userName))", mail: nil)
        } catch StoreError.conflict {
            throw BundleCommand.Failure("--roles : des noms en minuscules, chiffres et tirets (admin, accueil…)")
        }
        let link = context.application.guichet.url("/compte/nouveau-mot-de-passe?jeton=\(invitation.token)")
        context.console.print("""
            \(invitation.created ? "Compte créé" : "Compte existant") : \(email.lowercased()), \(scope.collectivite.name), rôles : \(roles.joined(separator: ", ")).
            Lien pour choisir le mot de passe (une seule fois, 7 jours) :
            \(link)
            """)
    }
}
