import Conventions
import Crypto
import Demarches
import Foundation
import Identity
import Routing
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

    /// The deliberation's 43 signatories as the demo state: each convention starts on 1 January 2026 with the
    /// services the deliberation lists (Caluire-et-Cuire signed on 23 June 2025, its council's deliberation; the
    /// others' signature day is not public: the demo says 15 December 2025). Populations are the shipped vintages
    /// (2017, 2021). Nothing is written when conventions exist already. Returns how many were created.
    static func seedConventions(_ store: Store) async throws -> Int {
        let existing = try await store.contributionInputs()
        guard existing.conventions.isEmpty else { return 0 }
        var conventions: [String: ConventionCadre] = [:]
        for s in try TerritoryData.signatories() {
            var services: [ConventionCadre.Membership] = []
            if let offer = s.toodego.flatMap(Offer.init(rawValue:)) { services.append(.init(serviceID: "toodego", offer: offer, start: "2026-01-01")) }
            if s.laclasse { services.append(.init(serviceID: "laclasse", offer: nil, start: "2026-01-01")) }
            conventions[s.insee] = ConventionCadre(commune: s.insee, signed: s.insee == "69034" ? "2025-06-23" : "2025-12-15", start: "2026-01-01",
                                                   services: services)
        }
        let platform = try await store.platformScope()
        try await store.importConventions(conventions, in: platform)
        let populations = try await store.collectivites().flatMap { c in
            c.populations.compactMap { vintage, count in c.insee.map { ConventionImports.Population(insee: $0, vintage: vintage, population: count) } }
        }
        try await store.importPopulations(populations, in: platform)
        return conventions.count
    }

    /// The demo agents' TOTP keys, derived from their address so that the demo, the tests and the end-to-end
    /// suite compute the same codes: public, like the demo password, and used by the demo accounts only.
    public static func secondFactorKey(for email: String) -> TOTPKey {
        TOTPKey(key: Array(SHA256.hash(data: Data(("guichet-demo-second-factor:" + email).utf8))).prefix(20).map { $0 })
    }

    /// The Métropole's routing rules for its « Signaler un problème sur l'espace public »: lighting is the
    /// commune's, dumped waste and tags are cleanliness, the rest is roads (the Métropole's).
    public static let routingRules = [
        RoutingRule(demarche: "signalement-espace-public", condition: #"categorie == "eclairage""#, category: "eclairage-public"),
        RoutingRule(demarche: "signalement-espace-public", condition: #"categorie == "depot" ou categorie == "tag""#, category: "proprete"),
        RoutingRule(demarche: "signalement-espace-public", category: "voirie"),
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
        let conventions = try await seedConventions(store)
        if try await store.routingRules().isEmpty { try await store.saveRoutingRules(routingRules, in: try await store.platformScope()) }
        var created: [String] = []
        for demo in accounts {
            let account: Account
            if let existing = try await store.account(email: demo.email) { account = existing } else {
                account = try await store.createAccount(email: demo.email, name: demo.name, passwordHash: try await hash(password), confirmed: true)
                created.append(demo.email)
            }
            if let slug = demo.collectivite {
                try await store.grantRoles(accountID: account.id, collectivite: slug, roles: demo.roles)
                try await store.installSecondFactor(accountID: account.id, key: secondFactorKey(for: demo.email))
            }
        }
        return """
            Territoire : 59 collectivités. Démarches publiées : \(published). Conventions cadre créées : \(conventions). Comptes créés : \(created.count).
            Comptes de démonstration (mot de passe : \(password)) :
            \(accounts.map { "  \($0.email) — \($0.name)" }.joined(separator: "\n"))
            Double authentification des agents (clé à saisir dans une application d'authentification, ou `guichet second-factor code --email …`) :
            \(accounts.filter { $0.collectivite != nil }.map { "  \($0.email) — \(secondFactorKey(for: $0.email).displayKey)" }.joined(separator: "\n"))
            """
    }
}
