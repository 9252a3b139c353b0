import Demarches
import Foundation
import Storage
import Territory

/// The demo: the 59 collectivités, three démarches for the Métropole and each commune with an instance, and
/// accounts to try every side. Idempotent: existing démarches and accounts are left as they are.
public enum DemoData {
    public static let password = "Guichet-Demo-2026!"

    public struct DemoAccount: Sendable {
        public var email: String; public var name: String; public var collectivite: String?; public var roles: [String]
    }

    public static let accounts: [DemoAccount] = [
        .init(email: "agent@caluire-et-cuire.demo.fr", name: "Camille Agent (Caluire-et-Cuire)", collectivite: "caluire-et-cuire",
              roles: ["accueil", "services-techniques", "domaine-public", "etat-civil", "vie-associative"]),
        .init(email: "admin@caluire-et-cuire.demo.fr", name: "Alex Admin (Caluire-et-Cuire)", collectivite: "caluire-et-cuire", roles: ["admin"]),
        .init(email: "agent@bron.demo.fr", name: "Bastien Agent (Bron)", collectivite: "bron",
              roles: ["accueil", "services-techniques", "domaine-public", "etat-civil", "vie-associative"]),
        .init(email: "admin@metropole.demo.fr", name: "Morgane Admin (Métropole)", collectivite: TerritoryData.metropoleSlug, roles: ["admin"]),
        .init(email: "usager@demo.fr", name: "Dominique Usager", collectivite: nil, roles: []),
    ]

    public static func seed(_ store: Store, hash: @Sendable (String) async throws -> String) async throws -> String {
        try await store.loadTerritory(try TerritoryData.load())
        var published = 0
        for c in try await store.collectivites() where c.hasInstance {
            guard let scope = try await store.operatorScope(slug: c.slug) else { continue }
            let existing = Set(try await store.demarches(in: scope).map(\.slug))
            let slugs = c.kind == .metropole ? DemoCatalogue.metropoleDemarches : DemoCatalogue.communeDemarches
            for slug in slugs where !existing.contains(slug) {
                try await store.importBundle(try DemoCatalogue.bundle(slug), in: scope)
                published += 1
            }
        }
        var created: [String] = []
        for demo in accounts {
            let account: Account
            if let existing = try await store.account(email: demo.email) { account = existing } else {
                account = try await store.createAccount(email: demo.email, name: demo.name, passwordHash: try await hash(password), confirmed: true)
                created.append(demo.email)
            }
            if let slug = demo.collectivite { try await store.grantRoles(accountID: account.id, collectivite: slug, roles: demo.roles) }
        }
        return """
            Territoire : 59 collectivités. Démarches publiées : \(published). Comptes créés : \(created.count).
            Comptes de démonstration (mot de passe : \(password)) :
            \(accounts.map { "  \($0.email) — \($0.name)" }.joined(separator: "\n"))
            """
    }
}
