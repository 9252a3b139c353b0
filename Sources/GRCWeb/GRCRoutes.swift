import Foundation
import Storage
import Vapor
import WebSupport

/// The GRC, the agents' daily work under /bo/{collectivité}: the back-office's entry, the inbox and the request page;
/// and /relais/{secret}, where a town hall acts on a request the Métropole relayed to it.
public enum GRCRoutes: BackOfficePart {
    public static let resources: Bundle? = .module

    /// The back-office's entry, /bo, then the part's pages under /bo/:slug.
    public static func register(_ routes: any RoutesBuilder) {
        let bo = backOffice(routes)
        bo.get(use: home)
        register(collectivite: bo.grouped(":slug"))
        // A relay link's page works without an account: the link's secret is the key.
        let relays = RelayController(), relay = routes.grouped(FormMiddleware(maxBytes: FormMiddleware.smallForms)).grouped("relais", ":secret")
        relay.get(use: relays.show)
        relay.post("reception", use: relays.acknowledge)
        relay.post("reponse", use: relays.answer)
        relay.post("cloture", use: relays.close)
        relay.get("fichiers", ":file", use: relays.file)
    }

    public static func register(collectivite bo: any RoutesBuilder) {
        let requests = RequestsController()
        bo.get("demandes", use: requests.inbox)
        bo.get("demandes", ":number", use: requests.show)
        bo.post("demandes", ":number", "transition", use: requests.transition)
        bo.post("demandes", ":number", "commentaire", use: requests.comment)
        bo.post("demandes", ":number", "action", use: requests.globalAction)
        bo.post("demandes", ":number", "reorienter", use: requests.reroute)
        let decisions = DecisionController()
        bo.get("demandes", ":number", "rouvrir", use: decisions.reopen)
        bo.post("demandes", ":number", "rouvrir", use: decisions.reopen)
        bo.get("demandes", ":number", "fichiers", ":file", use: requests.file)
    }

    /// One collectivité: straight to its inbox; several: let the agent choose.
    static func home(req: Request) async throws -> Response {
        let account = try await req.requireAccount()
        let memberships = try await req.store.agentMemberships(accountID: account.id)
        if memberships.count == 1 { return req.redirect(to: "/bo/\(memberships[0].slug)/demandes", redirectType: .normal) }
        struct Page { struct Item { var slug: String; var name: String }; var layout: Layout; var items: [Item] }
        let page = Page(layout: try await Layout.make(req, title: "Espace agents", backOffice: true),
                        items: memberships.map { .init(slug: $0.slug, name: $0.name) })
        return req.guichet.renderer.html("grc/home", page)
    }
}
