import Demarches
import Storage
import Territory
import Vapor
import WebSupport

struct PortalController {
    struct HomePage {
        /// A citizen chooses where to go, not an offer: only the Métropole says what it handles.
        struct Item { var slug: String; var name: String; var note: String? }
        var layout: Layout
        var withInstance: [Item]
        var others: [Item]
    }

    func home(req: Request) async throws -> Response {
        let all = try await req.store.collectivites()
        let items = all.map {
            HomePage.Item(slug: $0.slug, name: $0.name,
                          note: $0.kind == .metropole ? "Voirie, propreté, déchets, eau, aides aux familles : les démarches de la Métropole." : nil)
        }
        let page = HomePage(layout: try await Layout.make(req, title: "Démarches en ligne"),
                            withInstance: zip(all, items).filter { $0.0.hasInstance }.map(\.1),
                            others: zip(all, items).filter { !$0.0.hasInstance }.map(\.1))
        return req.guichet.renderer.html("portal/home", page)
    }

    struct CollectivitePage {
        struct Item { var url: String; var title: String; var summary: String }
        var layout: Layout
        var name: String
        var slug: String
        var hasInstance: Bool
        var demarches: [Item]
        var townHall: TownHallVM?
    }

    struct TownHallVM {
        var address: String; var phone: String?; var email: String?; var website: String?; var hours: [String]
    }

    func collectivite(req: Request) async throws -> Response {
        guard let c = try await req.store.collectivite(slug: req.parameters.get("slug") ?? "") else { throw Abort(.notFound) }
        var items: [CollectivitePage.Item] = []
        if let scope = try await req.store.citizenScope(slug: c.slug) {
            for (summary, current) in try await req.store.currentDemarches(in: scope) {
                items.append(.init(url: "/c/\(c.slug)/demarches/\(summary.slug)", title: summary.title, summary: current.definition.summary))
            }
        }
        let townHall = c.townHall.map {
            TownHallVM(address: $0.address, phone: $0.phone, email: $0.email, website: $0.website, hours: $0.hours.map(\.frenchDescription))
        }
        let page = CollectivitePage(layout: try await Layout.make(req, title: c.name, collectivite: (c.name, c.slug)),
                                    name: c.name, slug: c.slug, hasInstance: c.hasInstance, demarches: items, townHall: townHall)
        return req.guichet.renderer.html("portal/collectivite", page)
    }

    struct ReceiptPage {
        var layout: Layout
        var number: String
        var trackingCode: String?
        /// The form was sent again: this is the request its first sending filed, and nothing else was filed.
        var resent: Bool
        /// The acknowledgement of receipt's legal lines, and its PDF.
        var acknowledgement: [Acknowledgement.Line]
        var slug: String
        var signedIn: Bool
        /// « la mairie de Bron »: who answers for it, when routing decided.
        var handledBy: String?
    }

    /// Shows the number, and the tracking code once: it is kept in the session only until this page is seen. A
    /// form sent again lands here too, told that its request was filed once.
    func receipt(req: Request) async throws -> Response {
        guard let slug = req.parameters.get("slug"), let number = req.parameters.get("number"),
              let c = try await req.store.collectivite(slug: slug) else { throw Abort(.notFound) }
        let key = "receipt:\(number)"
        let code = req.session.data[key]
        let resent = req.session.data["resent:\(number)"] != nil
        guard code != nil || resent else { return req.redirect(to: "/suivi?numero=\(number)", redirectType: .normal) }
        req.session.data[key] = nil
        req.session.data["resent:\(number)"] = nil
        var acknowledgement: Acknowledgement?, handledBy: String?
        if let detail = try await FollowController.proven(req, number: number) {
            acknowledgement = try await FollowController.acknowledgement(req, detail)?.0
            handledBy = try await req.handlerPhrase(of: detail)
        }
        let page = ReceiptPage(layout: try await Layout.make(req, title: "Demande envoyée", collectivite: (c.name, c.slug)),
                               number: number, trackingCode: code, resent: resent, acknowledgement: acknowledgement?.lines ?? [],
                               slug: slug, signedIn: try await req.account() != nil, handledBy: handledBy)
        return req.guichet.renderer.html("portal/receipt", page)
    }
}
