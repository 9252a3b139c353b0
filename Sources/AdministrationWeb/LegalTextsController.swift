import Storage
import Territory
import Vapor
import WebSupport

/// A collectivité's admins set its own texts for the pages a public service's site must have; left empty, a page
/// shows the Métropole's text (or, for the Métropole, Guichet's default worded for it).
struct LegalTextsController {
    struct PageVM {
        struct Item {
            var page: String
            var title: String
            var source: String
            var body: String
            var publicURL: String
        }
        var layout: Layout
        var slug: String
        var items: [Item]
    }

    func page(req: Request) async throws -> Response {
        let (scope, _) = try await req.agentScope()
        guard scope.isAdmin else { throw Abort(.forbidden) }
        let c = scope.collectivite
        var items: [PageVM.Item] = []
        for page in LegalPage.allCases {
            let stored = try await req.store.legalText(page, of: c.slug)
            let source = switch stored?.source {
            case .own?: "Texte propre à \(c.name)."
            case .metropole?: c.kind == .metropole ? "Texte de la Métropole, repris par les communes qui n'ont pas le leur." : "Texte de la Métropole (par défaut)."
            case nil: "Texte par défaut de Guichet."
            }
            // The field holds the collectivité's own text only; the text shown otherwise is the default, to adapt.
            let body = stored?.source == .own || (stored?.source == .metropole && c.kind == .metropole) ? stored?.body ?? "" : ""
            items.append(.init(page: page.rawValue, title: page.title, source: source, body: body,
                               publicURL: c.kind == .metropole ? "/\(page.rawValue)" : "/c/\(c.slug)/\(page.rawValue)"))
        }
        let vm = PageVM(layout: try await req.layout(scope, title: "Pages légales"), slug: scope.slug, items: items)
        return req.guichet.renderer.html("administration/legal_texts", vm)
    }

    func save(req: Request) async throws -> Response {
        let (scope, _) = try await req.agentScope()
        guard scope.isAdmin, let page = LegalPage(rawValue: req.parameters.get("page") ?? "") else { throw Abort(.notFound) }
        let body = req.form.value("texte")
        guard body.count <= 50_000 else {
            req.flash("Texte non enregistré : il dépasse 50 000 caractères.")
            return req.redirect(to: "/bo/\(scope.slug)/pages-legales#\(page.rawValue)", redirectType: .normal)
        }
        try await req.store.saveLegalText(page, body: body, in: scope)
        req.flash(body.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty
                  ? "« \(page.title) » : le texte par défaut s'applique de nouveau." : "« \(page.title) » enregistré.")
        return req.redirect(to: "/bo/\(scope.slug)/pages-legales#\(page.rawValue)", redirectType: .normal)
    }
}
