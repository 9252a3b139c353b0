import Foundation
import Identity
import OpenIDConnect
import Storage
import Vapor

/// `guichet keys rotate [--overlap-days N] | list`: the identity provider's signing keys. A rotation makes a
/// new ES256 and RS256 key that sign from then on; the replaced ones still verify for the overlap (7 days by
/// default), then leave the JWKS. A running server sees the new keys within seconds.
struct KeysCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Argument(name: "action", help: "rotate or list") var action: String
        @Option(name: "overlap-days", help: "rotate: how long replaced keys still verify (0 to 90 days, default 7)") var overlapDays: Int?
    }
    var help: String { "Rotates the identity provider's signing keys (old keys keep verifying for an overlap), or lists them." }

    func run(using context: CommandContext, signature: Signature) async throws {
        let store = context.application.guichet.store
        switch signature.action {
        case "rotate":
            let days = signature.overlapDays ?? 7
            guard (0...90).contains(days) else { throw BundleCommand.Failure("--overlap-days : de 0 à 90 jours") }
            try await store.rotateKeys(force: true, overlap: TimeInterval(days) * 86_400)
            context.console.print("Nouvelles clés de signature en service ; les précédentes vérifient encore pendant \(days) jour(s).")
        case "list":
            break
        default: throw BundleCommand.Failure("action inconnue « \(signature.action) » (rotate, list)")
        }
        for key in try await store.signingKeys() {
            let state = key.retiresAt.map { "vérifie jusqu'au \(ISO8601DateFormatter().string(from: $0))" } ?? "signe"
            context.console.print("\(key.kid)  \(key.algorithm.rawValue)  créée le \(ISO8601DateFormatter().string(from: key.createdAt))  \(state)")
        }
    }
}

/// `guichet oidc-client add|list|remove`: the applications that sign people in with GrandLyon Connect.
/// `add` prints a confidential application's secret, once.
struct RelyingPartyCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Argument(name: "action", help: "add, list or remove") var action: String
        @Option(name: "id", help: "the application's identifier (client_id): lowercase letters, digits, dots, dashes") var id: String?
        @Option(name: "name", help: "add: its name, shown on the consent page") var name: String?
        @Option(name: "redirect-uri", help: "add: a redirect URI; comma-separated for several") var redirectURIs: String?
        @Option(name: "post-logout-uri", help: "add: where logout may send the browser back; comma-separated") var postLogoutURIs: String?
        @Option(name: "scopes", help: "add: the scopes it may ask (default: openid,profile,email)") var scopes: String?
        @Flag(name: "public", help: "add: a public client (mobile app): no secret, PKCE required") var isPublic: Bool
        @Option(name: "backchannel-logout-uri", help: "add: where logout tokens are posted") var backChannel: String?
        @Option(name: "sector", help: "add: pairwise subjects for this sector (a host name)") var sector: String?
        @Option(name: "id-token-alg", help: "add: RS256 (default) or ES256") var algorithm: String?
        @Option(name: "service", help: "add: the shared service of the convention cadre it belongs to (laclasse…)") var service: String?
    }
    var help: String { "Registers, lists or removes the applications that sign people in with GrandLyon Connect." }

    func run(using context: CommandContext, signature: Signature) async throws {
        let store = context.application.guichet.store
        func list(_ text: String?) -> [String] {
            (text ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        }
        switch signature.action {
        case "add":
            guard let algorithm = SigningAlgorithm(rawValue: (signature.algorithm ?? "RS256").uppercased()) else {
                throw BundleCommand.Failure("--id-token-alg : RS256 ou ES256")
            }
            let scopes = list(signature.scopes)
            let party = RelyingParty(id: signature.id ?? "", name: signature.name ?? signature.id ?? "", kind: signature.isPublic ? .public : .confidential,
                                     redirectURIs: list(signature.redirectURIs), postLogoutRedirectURIs: list(signature.postLogoutURIs),
                                     scopes: scopes.isEmpty ? ["openid", "profile", "email"] : scopes, backChannelLogoutURI: signature.backChannel,
                                     sector: signature.sector, idTokenAlgorithm: algorithm, service: signature.service)
            let problems = party.problems()
            guard problems.isEmpty else {
                throw BundleCommand.Failure("Application refusée, rien n'a été enregistré :\n" + problems.sorted { $0.key < $1.key }.map { "  - \($0.key) : \($0.value)" }.joined(separator: "\n"))
            }
            let secret: String?
            do { secret = try await store.registerRelyingParty(party) }
            catch StoreError.conflict("service") {
                let known = try await store.sharedServices().map(\.id).joined(separator: ", ")
                throw BundleCommand.Failure("--service : « \(party.service ?? "") » n'est pas un service de la convention cadre (\(known))")
            }
            catch StoreError.conflict { throw BundleCommand.Failure("--id : « \(party.id) » existe déjà") }
            context.console.print("Application « \(party.name) » enregistrée : client_id \(party.id)")
            if let secret { context.console.print("client_secret \(secret)  (affiché cette seule fois : conservez-le)") }
        case "list":
            for stored in try await store.relyingParties() {
                let p = stored.registration
                context.console.print("\(p.id)  \(p.kind.rawValue)  « \(p.name) »  \(p.redirectURIs.joined(separator: " "))  scopes: \(p.scopes.joined(separator: " "))"
                                      + (p.service.map { "  service: \($0)" } ?? ""))
            }
        case "remove":
            guard let id = signature.id, try await store.removeRelyingParty(id: id) else { throw BundleCommand.Failure("--id : application inconnue") }
            context.console.print("Application « \(id) » supprimée ; ses jetons ne sont plus acceptés.")
        default: throw BundleCommand.Failure("action inconnue « \(signature.action) » (add, list, remove)")
        }
    }
}

/// `guichet second-factor reset --email …`: an agent who lost both phone and recovery codes sets a new second
/// factor up at the next sign-in. `code --email …` prints the current code of a demo account (whose key is public).
struct SecondFactorCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Argument(name: "action", help: "reset or code") var action: String
        @Option(name: "email", help: "the account's e-mail address") var email: String?
    }
    var help: String { "Resets an account's second factor (lost phone), or prints a demo account's current code." }

    func run(using context: CommandContext, signature: Signature) async throws {
        let store = context.application.guichet.store
        let email = (signature.email ?? "").lowercased()
        guard let account = try await store.account(email: email) else { throw BundleCommand.Failure("--email : aucun compte « \(email) »") }
        switch signature.action {
        case "reset":
            try await store.resetSecondFactor(accountID: account.id)
            try await store.record(SecurityEvent(accountID: account.id, at: store.clock(), kind: .secondFactorDisabled, detail: "par l'exploitant"))
            context.console.print("Double authentification de \(email) réinitialisée : une nouvelle sera demandée à la prochaine connexion à l'espace agents.")
        case "code":
            guard DemoData.accounts.contains(where: { $0.email == email && $0.collectivite != nil }) else {
                throw BundleCommand.Failure("--email : seuls les agents de démonstration ont une clé connue")
            }
            context.console.print(DemoData.secondFactorKey(for: email).code(step: TOTPKey.step(at: store.clock())))
        default: throw BundleCommand.Failure("action inconnue « \(signature.action) » (reset, code)")
        }
    }
}
