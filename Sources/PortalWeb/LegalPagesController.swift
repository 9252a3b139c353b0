import Storage
import Territory
import Vapor
import WebSupport

/// The pages a public service's site must have: mentions légales, données personnelles, the accessibility
/// statement, aide et contact (each the collectivité's own text, else the Métropole's, else Guichet's worded for
/// the collectivité), and a site map. Site-wide at `/mentions-legales`…, per collectivité at `/c/{slug}/…`.
struct LegalPagesController {
    struct PageVM {
        var layout: Layout
        var title: String
        var paragraphs: [String]
    }

    struct SiteMapVM {
        struct Link { var url: String; var label: String }
        var layout: Layout
        var title: String
        var general: [Link]
        var demarches: [Link]
        var collectivites: [Link]
    }

    func show(_ page: LegalPage) -> @Sendable (Request) async throws -> Response {
        { req in
            let c = try await Self.collectivite(req)
            let body = try await req.store.legalText(page, of: c.slug)?.body
                ?? page.defaultText(for: c, draftDays: req.guichet.retention.draftDays, messageDays: req.guichet.retention.messageDays)
            let vm = PageVM(layout: try await Self.layout(req, c, title: page.title), title: page.title,
                            paragraphs: Self.paragraphs(body))
            return req.guichet.renderer.html("portal/legal", vm)
        }
    }

    func siteMap(req: Request) async throws -> Response {
        let c = try await Self.collectivite(req)
        let base = Self.base(req, c)
        var demarches: [SiteMapVM.Link] = []
        if let scope = try await req.store.citizenScope(slug: c.slug) {
            demarches = try await req.store.currentDemarches(in: scope).map { summary, _ in
                .init(url: "/c/\(c.slug)/demarches/\(summary.slug)", label: summary.title)
            }
        }
        let general: [SiteMapVM.Link] = [.init(url: "/", label: "Accueil : les collectivités"), .init(url: "/c/\(c.slug)/", label: "Démarches de \(c.name)"),
                                         .init(url: "/suivi", label: "Suivre une demande"), .init(url: "/compte", label: "Mon compte"),
                                         .init(url: "/compte/inscription", label: "Créer un compte")]
            + LegalPage.allCases.map { .init(url: base + "/" + $0.rawValue, label: $0.title) }
        let vm = SiteMapVM(layout: try await Self.layout(req, c, title: "Plan du site"), title: "Plan du site", general: general, demarches: demarches,
                           collectivites: try await req.store.collectivites().filter(\.hasInstance).map { .init(url: "/c/\($0.slug)/", label: $0.name) })
        return req.guichet.renderer.html("portal/site_map", vm)
    }

    /// The collectivité of `/c/{slug}/…`, or the Métropole for the site-wide pages.
    static func collectivite(_ req: Request) async throws -> Collectivite {
        if let slug = req.parameters.get("slug") {
            guard let c = try await req.store.collectivite(slug: slug) else { throw Abort(.notFound) }
            return c
        }
        guard let metropole = try await req.store.collectivites().first(where: { $0.kind == .metropole }) else { throw Abort(.notFound) }
        return metropole
    }

    static func base(_ req: Request, _ c: Collectivite) -> String { req.parameters.get("slug") == nil ? "" : "/c/\(c.slug)" }

    static func layout(_ req: Request, _ c: Collectivite, title: String) async throws -> Layout {
        try await Layout.make(req, title: title, collectivite: req.parameters.get("slug") == nil ? nil : (c.name, c.slug))
    }

    /// Plain text as paragraphs: a blank line between two.
    static func paragraphs(_ text: String) -> [String] {
        text.components(separatedBy: "\n\n").map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }.filter { !$0.isEmpty }
    }
}
