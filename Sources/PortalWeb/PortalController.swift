import Demarches
import Storage
import Territory
import Vapor
import WebSupport

struct PortalController {
    struct HomePage {
        struct Item { var slug: String; var name: String; var membership: String }
        var layout: Layout
        var withInstance: [Item]
        var others: [Item]
    }

    func home(req: Request) async throws -> Response {
        let all = try await req.store.collectivites()
        let items = all.map { HomePage.Item(slug: $0.slug, name: $0.name, membership: $0.kind == .metropole ? "Métropole" : $0.membership.label) }
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

    struct FormPage {
        var layout: Layout
        var slug: String
        var demarcheSlug: String
        var title: String
        var summary: String
        var form: FormVM
        var signedIn: Bool
        var hasDraft: Bool
    }

    func form(req: Request) async throws -> Response {
        let (scope, demarche) = try await resolve(req)
        var values: [String: [String]] = [:]
        var hasDraft = false
        let account = try await req.account()
        if let account, let draft = try await req.store.draft(accountID: account.id, demarcheID: demarche.id) {
            values = draft; hasDraft = true
        } else {
            values = demarche.definition.form.prefill(email: account?.email, name: account?.name)
        }
        return try await formPage(req, scope, demarche, values: values, errors: [:], hasDraft: hasDraft)
    }

    func submit(req: Request) async throws -> Response {
        let (scope, demarche) = try await resolve(req)
        let account = try await req.account()
        let raw = req.form.raw
        if raw.first("action") == "brouillon" {
            guard let account else {
                req.flash("Connectez-vous pour enregistrer un brouillon : vos saisies seront conservées.")
                return try await formPage(req, scope, demarche, values: raw.values, errors: [:], hasDraft: false)
            }
            var kept = raw.values
            kept[CSRF.fieldName] = nil; kept["action"] = nil
            try await req.store.saveDraft(accountID: account.id, demarcheID: demarche.id, values: kept, in: scope)
            req.flash("Brouillon enregistré. Vous le retrouverez en revenant sur cette démarche (les fichiers joints ne sont pas conservés).")
            return req.redirect(to: "/c/\(scope.slug)/demarches/\(demarche.definition.slug)", redirectType: .normal)
        }
        switch try await Filing(req.guichet).submit(raw, demarche: demarche, in: scope, account: account) {
        case .invalid(let errors):
            return try await formPage(req, scope, demarche, values: raw.values, errors: errors, hasDraft: false, status: .unprocessableEntity)
        case .filed(let filed):
            if let account { try await req.store.deleteDraft(accountID: account.id, demarcheID: demarche.id) }
            req.session.data["receipt:\(filed.number)"] = filed.trackingCode
            return req.redirect(to: "/c/\(scope.slug)/demandes/\(filed.number)/recu", redirectType: .normal)
        }
    }

    struct ReceiptPage {
        var layout: Layout
        var number: String
        var trackingCode: String?
        var slug: String
        var signedIn: Bool
    }

    /// Shows the number, and the tracking code once: it is kept in the session only until this page is seen.
    func receipt(req: Request) async throws -> Response {
        guard let slug = req.parameters.get("slug"), let number = req.parameters.get("number"),
              let c = try await req.store.collectivite(slug: slug) else { throw Abort(.notFound) }
        let key = "receipt:\(number)"
        guard let code = req.session.data[key] else { return req.redirect(to: "/suivi?numero=\(number)", redirectType: .normal) }
        req.session.data[key] = nil
        let page = ReceiptPage(layout: try await Layout.make(req, title: "Demande envoyée", collectivite: (c.name, c.slug)),
                               number: number, trackingCode: code, slug: slug, signedIn: try await req.account() != nil)
        return req.guichet.renderer.html("portal/receipt", page)
    }

    private func resolve(_ req: Request) async throws -> (TenantScope, VersionedDemarche) {
        guard let slug = req.parameters.get("slug"), let scope = try await req.store.citizenScope(slug: slug),
              let demarche = try await req.store.currentDemarche(slug: req.parameters.get("demarche") ?? "", in: scope)
        else { throw Abort(.notFound) }
        return (scope, demarche)
    }

    private func formPage(_ req: Request, _ scope: TenantScope, _ demarche: VersionedDemarche, values: [String: [String]],
                          errors: [String: String], hasDraft: Bool, status: HTTPStatus = .ok) async throws -> Response {
        let title = errors.isEmpty ? demarche.definition.title : "Erreur — \(demarche.definition.title)"
        let page = FormPage(layout: try await Layout.make(req, title: title, collectivite: (scope.collectivite.name, scope.slug)),
                            slug: scope.slug, demarcheSlug: demarche.definition.slug, title: demarche.definition.title,
                            summary: demarche.definition.summary, form: FormVM(form: demarche.definition.form, values: values, errors: errors),
                            signedIn: try await req.account() != nil, hasDraft: hasDraft)
        return req.guichet.renderer.html("portal/form", page, status: status)
    }
}
