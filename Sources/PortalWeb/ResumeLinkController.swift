import Demarches
import Foundation
import Messaging
import Storage
import Vapor
import WebSupport

/// An anonymous citizen's way to finish a form later, on this device or another: they give an e-mail address,
/// their answers so far become a draft (kept for the drafts' lifetime), and the e-mail carries a link whose
/// secret reopens it. Signed-in citizens need none of this: their draft follows their account.
struct ResumeLinkController {
    let forms = DemarcheFormController()

    struct AskVM { var layout: Layout; var slug: String; var demarcheSlug: String; var title: String; var page: Int; var email: String; var error: String? }
    struct SentVM { var layout: Layout; var slug: String; var demarcheSlug: String; var title: String; var email: String; var keptUntil: String }

    func ask(req: Request) async throws -> Response {
        let (scope, demarche) = try await forms.resolve(req)
        guard let progress = try await ProgressKeeper(req: req, demarcheID: demarche.id, account: nil).load()?.progress else {
            return req.redirect(to: forms.url(scope, demarche), redirectType: .normal)
        }
        let form = demarche.definition.form
        let email = form.contactEmailField.flatMap { progress.values[$0.id]?.first } ?? ""
        return try await render(req, scope, demarche, email: email, error: nil)
    }

    func send(req: Request) async throws -> Response {
        let (scope, demarche) = try await forms.resolve(req)
        guard let progress = try await ProgressKeeper(req: req, demarcheID: demarche.id, account: nil).load()?.progress else {
            return req.redirect(to: forms.url(scope, demarche), redirectType: .normal)
        }
        let email = req.form.value("email").trimmingCharacters(in: .whitespaces)
        // The same check as an e-mail question of a form.
        let check = FormValidator.validate(RawSubmission(values: ["email": [email]]),
                                           against: FormDefinition(fields: [Field(id: "email", label: "E-mail", type: .email, required: true)]),
                                           context: req.guichet.evaluationContext)
        if let error = check.errors["email"] { return try await render(req, scope, demarche, email: email, error: error, status: .unprocessableEntity) }
        let link = req.guichet.baseURL + forms.url(scope, demarche) + "/reprendre/"
        let (collectivite, title) = (scope.collectivite.name, demarche.definition.title)
        let until = try await req.store.saveResumableDraft(demarcheID: demarche.id, values: progress.values, files: progress.files, in: scope) { secret, until in
            Mails.resumeDraft(to: email, collectivite: collectivite, demarche: title, link: link + secret, keptUntil: FrenchDate.day(until))
        }
        await req.guichet.mailQueued()
        let vm = SentVM(layout: try await Layout.make(req, title: "Lien envoyé — \(title)", collectivite: (scope.collectivite.name, scope.slug)),
                        slug: scope.slug, demarcheSlug: demarche.definition.slug, title: title, email: email, keptUntil: FrenchDate.day(until))
        return req.guichet.renderer.html("portal/resume_sent", vm)
    }

    /// Opens the draft a link's secret names: its answers go into this device's session, and the form goes on.
    func resume(req: Request) async throws -> Response {
        let (scope, demarche) = try await forms.resolve(req)
        guard let draft = try await req.store.resumableDraft(secret: req.parameters.get("secret") ?? "", demarcheID: demarche.id, in: scope) else {
            return req.guichet.renderer.messagePage(
                try await Layout.make(req, title: "Lien expiré", collectivite: (scope.collectivite.name, scope.slug)), heading: "Ce lien ne mène plus à un brouillon",
                message: "Le brouillon a expiré, ou la demande a déjà été envoyée. Vous pouvez recommencer la démarche.", status: .notFound)
        }
        try ProgressKeeper(req: req, demarcheID: demarche.id, account: nil).resume(draft)
        req.flash("Nous avons repris vos réponses, conservées jusqu'au \(FrenchDate.day(draft.expiresAt)).")
        return req.redirect(to: forms.url(scope, demarche), redirectType: .normal)
    }

    private func render(_ req: Request, _ scope: TenantScope, _ demarche: VersionedDemarche, email: String, error: String?,
                        status: HTTPResponseStatus = .ok) async throws -> Response {
        let title = demarche.definition.title
        let vm = AskVM(layout: try await Layout.make(req, title: (error == nil ? "" : "Erreur — ") + "Reprendre plus tard — \(title)",
                                                     collectivite: (scope.collectivite.name, scope.slug)),
                       slug: scope.slug, demarcheSlug: demarche.definition.slug, title: title, page: req.query[Int.self, at: "page"] ?? 0,
                       email: email, error: error)
        return req.guichet.renderer.html("portal/resume_ask", vm, status: status)
    }
}
