import Foundation
import Territory
import Vapor
import WebSupport

/// The citizens' side: portal pages, démarche forms, receipts, follow-up, accounts.
public enum PortalRoutes: WebPart {
    public static let resources: Bundle? = .module

    public static func register(_ routes: any RoutesBuilder) {
        // Errors become the site's pages (`SiteErrorMiddleware`, for every route).
        let html = routes.grouped(FormMiddleware())
        // Forms without files: a small body limit.
        let small = routes.grouped(FormMiddleware(maxBytes: FormMiddleware.smallForms))
        // Leaflet's files (script, style, marker images) from the Debian package, cached by browsers for a day.
        routes.get("static", "leaflet", "**") { req async throws -> Response in
            guard let path = Leaflet.file(req.parameters.getCatchall().joined(separator: "/")) else { throw Abort(.notFound) }
            let response = try await req.fileio.asyncStreamFile(at: path)
            response.headers.replaceOrAdd(name: .cacheControl, value: "public, max-age=86400")
            return response
        }
        let portal = PortalController()
        html.get(use: portal.home)
        html.get("c", ":slug", use: portal.collectivite)
        let forms = DemarcheFormController()
        html.get("c", ":slug", "demarches", ":demarche", use: forms.show)
        // Too large a form (a file over the whole form's limit) is drawn again, not an error page.
        routes.grouped(FormMiddleware(tooLargeToHandler: true)).post("c", ":slug", "demarches", ":demarche", use: forms.post)
        html.post("c", ":slug", "demarches", ":demarche", "visibilite", use: forms.visibility)
        let legal = LegalPagesController()
        for page in LegalPage.allCases {
            html.get(.constant(page.rawValue), use: legal.show(page))
            html.get("c", ":slug", .constant(page.rawValue), use: legal.show(page))
        }
        html.get("plan-du-site", use: legal.siteMap)
        html.get("c", ":slug", "plan-du-site", use: legal.siteMap)
        let resume = ResumeLinkController()
        html.get("c", ":slug", "demarches", ":demarche", "brouillon", use: resume.ask)
        small.post("c", ":slug", "demarches", ":demarche", "brouillon", use: resume.send)
        html.get("c", ":slug", "demarches", ":demarche", "reprendre", ":secret", use: resume.resume)
        html.get("c", ":slug", "demandes", ":number", "recu", use: portal.receipt)
        let follow = FollowController()
        html.get("suivi", use: follow.form)
        small.post("suivi", use: follow.lookup)
        html.get("suivi", ":number", use: follow.again)
        html.get("suivi", ":number", "fichiers", ":file", use: follow.provenFile)
        html.get("suivi", ":number", "accuse.pdf", use: follow.acknowledgementPDF)
        html.get("compte", "demandes", ":number", "accuse.pdf", use: follow.acknowledgementPDF)
        small.post("suivi", ":number", "rattacher", use: follow.attach)
        // A message with files over the body limit is drawn again with why, not an error page.
        let replies = routes.grouped(FormMiddleware(tooLargeToHandler: true))
        replies.post("suivi", ":number", "repondre", use: follow.reply)
        replies.post("compte", "demandes", ":number", "repondre", use: follow.reply)
        html.get("compte", "demandes", ":number", use: follow.mine)
        html.get("compte", "demandes", ":number", "fichiers", ":file", use: follow.file)
        let correction = CorrectionController()
        html.get("compte", "demandes", ":number", "corriger", use: correction.mine)
        html.post("compte", "demandes", ":number", "corriger", use: correction.mine)
        html.post("suivi", "corriger", use: correction.anonymous)
        AccountController().register(small)
        AccountSecurityController().register(small)
        SecondFactorController().register(small)
        AccountSettingsController().register(small)
    }
}
