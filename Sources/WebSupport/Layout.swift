import Storage
import Territory
import Vapor

/// What the shared layout template needs on every page.
public struct Layout: Sendable {
    public var title: String
    public var csrf: String
    var accountName: String?
    public var flash: String?
    var isBackOffice: Bool
    /// The collectivité whose pages these are, for the header.
    var collectiviteName: String?
    var collectiviteSlug: String?
    /// The back-office nav shows the admins' tabs.
    var isAdmin = false
    /// The Métropole's admins run the platform: they also see its tabs (the applications of GrandLyon Connect).
    var isPlatformAdmin = false
    /// The footer's pages every public service's site has: the collectivité's own when the page is one of its.
    var legalLinks: [FooterLink] = []
    /// FranceConnect is configured: sign-in and sign-up offer it first.
    var franceConnect = false

    struct FooterLink { var url: String; var label: String }

    public static func make(_ req: Request, title: String, backOffice: Bool = false,
                            collectivite: (name: String, slug: String)? = nil, isAdmin: Bool = false) async throws -> Layout {
        let base = collectivite.map { "/c/\($0.slug)" } ?? ""
        return Layout(title: title, csrf: CSRF.token(req), accountName: try await req.account()?.name, flash: req.takeFlash(),
                      isBackOffice: backOffice, collectiviteName: collectivite?.name, collectiviteSlug: collectivite?.slug, isAdmin: isAdmin,
                      isPlatformAdmin: isAdmin && collectivite?.slug == TerritoryData.metropoleSlug,
                      legalLinks: LegalPage.allCases.map { FooterLink(url: "\(base)/\($0.rawValue)", label: $0.footerLabel) }
                          + [FooterLink(url: "\(base)/plan-du-site", label: "Plan du site")],
                      franceConnect: req.guichet.franceConnect != nil)
    }
}

/// A simple page with a title and a message (errors, confirmations).
struct MessagePage {
    var layout: Layout
    var heading: String
    var message: String
}

extension Renderer {
    /// A French error page with no session data (it can be shown before any is loaded).
    func errorPage(_ status: HTTPStatus, _ message: String) -> Response {
        let layout = Layout(title: "Erreur", csrf: "", accountName: nil, flash: nil, isBackOffice: false)
        let heading = switch status {
        case .notFound: "Page introuvable"
        case .forbidden: "Accès refusé"
        case .badRequest: "Requête invalide"
        default: "Une erreur est survenue"
        }
        return html("message", MessagePage(layout: layout, heading: heading, message: message), status: status)
    }

    public func messagePage(_ layout: Layout, heading: String, message: String, status: HTTPStatus = .ok) -> Response {
        html("message", MessagePage(layout: layout, heading: heading, message: message), status: status)
    }
}

/// Renders French error pages for HTML routes.
struct HTMLErrorMiddleware: AsyncMiddleware {
    public func respond(to req: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        do { return try await next.respond(to: req) }
        catch let redirect as Redirect { return req.redirect(to: redirect.location, redirectType: .normal) }
        catch let refusal as StoreError { return page(req, refusal.httpStatus) }
        catch let abort as any AbortError {
            // The abort's headers (a 429's Retry-After) go with the page.
            let response = page(req, abort.status)
            for (name, value) in abort.headers where name.lowercased() != "content-type" { response.headers.replaceOrAdd(name: name, value: value) }
            return response
        }
        catch {
            req.logger.report(error: error)
            return req.guichet.renderer.errorPage(.internalServerError,
                "Une erreur inattendue est survenue. Si elle se répète, contactez le support en citant le code \(req.id).")
        }
    }

    private func page(_ req: Request, _ status: HTTPStatus) -> Response {
        let message = switch status {
        case .notFound: "La page demandée n'existe pas ou n'est plus disponible."
        case .forbidden: "Vous n'avez pas accès à cette page."
        case .payloadTooLarge: "Le formulaire envoyé est trop volumineux (20 Mo au plus)."
        case .conflict: "La demande a changé entre-temps : rechargez la page et recommencez."
        case .tooManyRequests: "Trop de tentatives. Réessayez dans 15 minutes."
        default: "La requête n'a pas pu aboutir."
        }
        return req.guichet.renderer.errorPage(status, message)
    }
}

extension StoreError {
    /// What the store's refusals mean over HTTP, for the pages and the API alike: the store checks who may do
    /// what, so handlers need no second check of their own.
    public var httpStatus: HTTPStatus {
        switch self {
        case .notFound: .notFound
        case .forbidden: .forbidden
        case .conflict: .conflict
        }
    }
}
