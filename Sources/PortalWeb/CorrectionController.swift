import Demarches
import Storage
import Vapor
import WebSupport

/// The citizen corrects a request an agent sent back to them: the form of the request's own version, all its
/// questions on one page, filled with their answers. Reached from their account, or without one by the number
/// and tracking code (proved once in the session, never in the address).
struct CorrectionController {
    struct CorrectionPage {
        var layout: Layout
        var number: String
        var title: String
        var message: String
        var action: String
        /// The citizen came with the number and code rather than signed in.
        var anonymous: Bool
        var form: FormVM
        /// The form asks for a point on a map and Leaflet is installed.
        var maps: Bool
    }

    /// Signed in: GET shows the form, POST sends it.
    func mine(req: Request) async throws -> Response {
        let account = try await req.requireAccount()
        let number = req.parameters.get("number") ?? ""
        guard let detail = try await req.store.demandeForCitizen(number: number, accountID: account.id, trackingCode: nil) else {
            throw Abort(.notFound)
        }
        let action = "/compte/demandes/\(detail.number)/corriger"
        if req.method == .GET { return try await page(req, detail, action: action, anonymous: false) }
        return try await submit(req, detail, action: action, anonymous: false, actor: .citizen(account.id, name: account.name),
                                done: "/compte/demandes/\(detail.number)")
    }

    /// Without an account: the follow page posts the number here, the request proved by the code earlier in this
    /// session (`FollowController.proven`), or the number and code together; `_envoi` marks the corrected answers.
    func anonymous(req: Request) async throws -> Response {
        let number = req.form.value("numero").trimmingCharacters(in: .whitespaces).uppercased()
        let code = req.form.value("code")
        let detail: DemandeDetail
        if code.isEmpty {
            guard let proven = try await FollowController.proven(req, number: number) else { throw Abort(.notFound) }
            detail = proven
        } else {
            switch try await req.demandeByTrackingCode(number: number, code: code, accountID: nil) {
            case .found(let found): detail = found
            case .notFound: throw Abort(.notFound)
            case .tooManyAttempts: throw Abort(.tooManyRequests, headers: ["Retry-After": TrackingCodeWording.retryAfterSeconds])
            }
            req.session.data[FollowController.proofKey(detail.number)] = detail.id
        }
        if req.form.value("_envoi").isEmpty { return try await page(req, detail, action: "/suivi/corriger", anonymous: true) }
        // Sent: back on the request's own page.
        return try await submit(req, detail, action: "/suivi/corriger", anonymous: true, actor: .citizen(nil, name: "Usager"),
                                done: "/suivi/\(detail.number)")
    }

    private func submit(_ req: Request, _ detail: DemandeDetail, action: String, anonymous: Bool, actor: Actor, done: String) async throws -> Response {
        guard detail.correction != nil else {
            req.flash("Cette demande n'attend plus de correction.")
            return req.redirect(to: done, redirectType: .normal)
        }
        var raw = req.form.raw
        for key in [CSRF.fieldName, "numero", "code", "_envoi", "action"] { raw.values[key] = nil }
        if let adjusted = BlockRows.applying(req.form.value("action"), to: raw.values, form: detail.demarche.definition.form) {
            raw.values = adjusted
            return try await page(req, detail, action: action, anonymous: anonymous, raw: raw)
        }
        let outcome: FormValidator.Outcome
        do { outcome = try await Filing(req.guichet).correct(detail, raw: raw, actor: actor) }
        catch StoreError.conflict {
            req.flash("La demande a changé entre-temps : vérifiez-la et recommencez.")
            return req.redirect(to: done, redirectType: .normal)
        }
        guard outcome.isValid else {
            return try await page(req, detail, action: action, anonymous: anonymous, raw: raw, outcome: outcome)
        }
        req.flash("Votre correction a bien été envoyée. Le traitement de votre demande reprend.")
        return req.redirect(to: done, redirectType: .normal)
    }

    private func page(_ req: Request, _ detail: DemandeDetail, action: String, anonymous: Bool, raw: RawSubmission? = nil,
                      outcome: FormValidator.Outcome? = nil) async throws -> Response {
        guard let message = detail.correction else {
            req.flash("Cette demande n'attend pas de correction.")
            return req.redirect(to: anonymous ? "/suivi/\(detail.number)" : "/compte/demandes/\(detail.number)", redirectType: .normal)
        }
        let form = detail.demarche.definition.form
        let stored = form.rawAnswers(of: detail.data)
        var answers = raw ?? stored
        answers.keptFiles = stored.keptFiles
        let checked = outcome ?? FormValidator.validate(answers, against: form, context: req.guichet.evaluationContext)
        let errors = outcome?.errors ?? [:]
        let view = CorrectionPage(
            layout: try await Layout.make(req, title: (errors.isEmpty ? "" : "Erreur — ") + "Corriger la demande \(detail.number)"),
            number: detail.number, title: detail.demarche.definition.title, message: message, action: action, anonymous: anonymous,
            form: FormVM(form: form, values: answers.values, errors: errors, page: nil, visible: checked.visible, keptFiles: answers.keptFiles,
                         focusBlock: BlockRows.target(of: req.form.value("action"))),
            maps: Leaflet.isAvailable && form.fields.contains { $0.type == .mapPoint })
        return req.guichet.renderer.html("portal/correction", view, status: errors.isEmpty ? .ok : .unprocessableEntity)
    }
}
