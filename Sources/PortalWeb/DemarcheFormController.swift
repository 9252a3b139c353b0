import Demarches
import Storage
import Vapor
import WebSupport

/// A démarche's form on the portal. A one-page form is filled and sent in one go. A multi-page form is walked
/// page by page (each page checked before the next, pages whose condition does not hold skipped), then a summary
/// shows every answer with a link back to its page before the citizen sends.
struct DemarcheFormController {
    struct FormPage {
        var layout: Layout
        var slug: String
        var demarcheSlug: String
        var title: String
        var summary: String
        var form: FormVM
        var signedIn: Bool
        var hasDraft: Bool
        var multiPage: Bool
        var page: Int
        var pageTitle: String?
        var stepLabel: String?
        var hasPrevious: Bool
        /// A one-page form is sent from its page; a multi-page form from its summary.
        var sendsFromHere: Bool
        var live: Bool
    }

    struct SummaryPage {
        struct Section { var title: String; var editURL: String; var items: [DataItem] }
        var layout: Layout
        var slug: String
        var demarcheSlug: String
        var title: String
        var sections: [Section]
        var signedIn: Bool
    }

    // MARK: - Showing

    func show(req: Request) async throws -> Response {
        let (scope, demarche) = try await resolve(req)
        let form = demarche.definition.form
        let account = try await req.account()
        /// What a form starts from: the citizen's draft if they saved one, else prefilled answers.
        func start() async throws -> (values: [String: [String]], isDraft: Bool) {
            if let account, let draft = try await req.store.draft(accountID: account.id, demarcheID: demarche.id) { return (draft, true) }
            return (form.prefill(email: account?.email, name: account?.name, query: query(req)), false)
        }
        if !form.isMultiPage {
            let (values, isDraft) = try await start()
            return try await page(req, scope, demarche, page: 0, progress: FormProgress(values: values, files: [:]), hasDraft: isDraft)
        }
        var restored = false
        let progress: FormProgress
        if let kept = FormProgress.load(req, demarcheID: demarche.id) { progress = kept }
        else {
            let (values, isDraft) = try await start()
            progress = FormProgress(values: values, files: [:])
            restored = isDraft
            try progress.save(req, demarcheID: demarche.id)
        }
        let outcome = FormValidator.validate(progress.raw, against: form, context: req.guichet.evaluationContext)
        if req.query[String.self, at: "etape"] == "recapitulatif" {
            // An answer the summary cannot accept (a page skipped by hand, a form republished meanwhile): show its
            // page with the message rather than a summary of invalid answers.
            if let fix = outcome.pagesWithErrors.min() {
                return try await page(req, scope, demarche, page: fix, progress: progress, outcome: outcome, showErrors: true)
            }
            return try await summary(req, scope, demarche, outcome)
        }
        let requested = req.query[Int.self, at: "page"] ?? 0
        let shown = outcome.pageToShow(requested: requested)
        guard shown == requested else { return redirect(req, scope, demarche, page: shown) }
        return try await page(req, scope, demarche, page: requested, progress: progress, outcome: outcome, hasDraft: restored)
    }

    // MARK: - Posting

    func post(req: Request) async throws -> Response {
        let (scope, demarche) = try await resolve(req)
        let form = demarche.definition.form
        let posted = req.form.raw
        let action = posted.first("action")
        var values = posted.values
        values[CSRF.fieldName] = nil; values["action"] = nil; values["_page"] = nil
        guard form.isMultiPage else {
            if action == "brouillon" { return try await saveDraft(req, scope, demarche, progress: FormProgress(values: values, files: [:]), page: 0) }
            return try await send(req, scope, demarche, posted)
        }
        var progress = FormProgress.load(req, demarcheID: demarche.id) ?? FormProgress(values: [:], files: [:])
        if action == "envoyer" {
            return try await send(req, scope, demarche, progress.raw, progress: true)
        }
        let index = Int(posted.first("_page")) ?? 0
        guard form.logic.pages.indices.contains(index) else { throw Abort(.badRequest) }
        let page = form.logic.pages[index]
        progress.merge(page: page, of: form, posted: values)
        if action == "brouillon" || action == "precedent" {
            try progress.save(req, demarcheID: demarche.id)
            if action == "brouillon" { return try await saveDraft(req, scope, demarche, progress: progress, page: index) }
            let outcome = FormValidator.validate(progress.raw, against: form, context: req.guichet.evaluationContext)
            return redirect(req, scope, demarche, page: outcome.page(before: index) ?? 0)
        }
        // "Continuer": this page's files are checked and stored now, then only referenced until the request is sent.
        var raw = progress.raw
        raw.files = posted.files
        let outcome = FormValidator.validate(raw, against: form, context: req.guichet.evaluationContext)
        for (file, bytes) in outcome.files { try req.store.files.write(id: file.id, bytes: bytes) }
        for i in page.fieldIndices where form.fields[i].type == .file {
            let id = form.fields[i].id
            if case .files(let kept) = outcome.values[id] { progress.files[id] = kept } else if posted.files[id] != nil { progress.files[id] = nil }
        }
        try progress.save(req, demarcheID: demarche.id)
        if let fix = outcome.pageToFix(through: index) {
            return try await self.page(req, scope, demarche, page: fix, progress: progress, outcome: outcome, showErrors: true)
        }
        if let next = outcome.page(after: index) { return redirect(req, scope, demarche, page: next) }
        return req.redirect(to: url(scope, demarche) + "?etape=recapitulatif", redirectType: .normal)
    }

    /// Answers the live-conditions script: which fields of the page apply given the answers typed so far.
    func visibility(req: Request) async throws -> Response {
        let (_, demarche) = try await resolve(req)
        let form = demarche.definition.form
        let posted = req.form.raw
        let index = Int(posted.first("_page")) ?? 0
        guard form.logic.pages.indices.contains(index) else { throw Abort(.badRequest) }
        var raw = posted
        if form.isMultiPage, var progress = FormProgress.load(req, demarcheID: demarche.id) {
            progress.merge(page: form.logic.pages[index], of: form, posted: posted.values)
            raw = progress.raw
        }
        let outcome = FormValidator.validate(raw, against: form, context: req.guichet.evaluationContext)
        let ids = form.logic.pages[index].fieldIndices.map { form.fields[$0].id }
        struct Answer: Content { var visible: [String]; var hidden: [String] }
        let answer = Answer(visible: ids.filter(outcome.visible.contains), hidden: ids.filter { !outcome.visible.contains($0) })
        return try await answer.encodeResponse(for: req)
    }

    // MARK: - Steps

    private func send(_ req: Request, _ scope: TenantScope, _ demarche: VersionedDemarche, _ raw: RawSubmission,
                      progress: Bool = false) async throws -> Response {
        let account = try await req.account()
        switch try await Filing(req.guichet).submit(raw, demarche: demarche, in: scope, account: account) {
        case .invalid(let outcome):
            return try await page(req, scope, demarche, page: outcome.pagesWithErrors.min() ?? 0,
                                  progress: FormProgress(values: raw.values, files: raw.keptFiles), outcome: outcome, showErrors: true)
        case .filed(let filed):
            if let account { try await req.store.deleteDraft(accountID: account.id, demarcheID: demarche.id) }
            if progress { FormProgress.clear(req, demarcheID: demarche.id) }
            req.session.data["receipt:\(filed.number)"] = filed.trackingCode
            return req.redirect(to: "/c/\(scope.slug)/demandes/\(filed.number)/recu", redirectType: .normal)
        }
    }

    private func saveDraft(_ req: Request, _ scope: TenantScope, _ demarche: VersionedDemarche, progress: FormProgress,
                           page index: Int) async throws -> Response {
        guard let account = try await req.account() else {
            req.flash("Connectez-vous pour enregistrer un brouillon : vos saisies seront conservées.")
            return try await page(req, scope, demarche, page: index, progress: progress)
        }
        try await req.store.saveDraft(accountID: account.id, demarcheID: demarche.id, values: progress.values, in: scope)
        req.flash("Brouillon enregistré. Vous le retrouverez en revenant sur cette démarche (les fichiers joints ne sont pas conservés).")
        return redirect(req, scope, demarche, page: index)
    }

    private func summary(_ req: Request, _ scope: TenantScope, _ demarche: VersionedDemarche,
                         _ outcome: FormValidator.Outcome) async throws -> Response {
        let definition = demarche.definition
        let base = url(scope, demarche)
        let sections = outcome.visiblePages.map { index in
            let page = definition.form.logic.pages[index]
            return SummaryPage.Section(title: page.pageField?.label ?? definition.title, editURL: "\(base)?page=\(index)",
                                       items: DataItem.list(form: definition.form, data: outcome.values, only: page.fieldIndices) { _ in "" })
        }
        let view = SummaryPage(layout: try await Layout.make(req, title: "Vérifiez votre demande — \(definition.title)",
                                                             collectivite: (scope.collectivite.name, scope.slug)),
                               slug: scope.slug, demarcheSlug: definition.slug, title: definition.title, sections: sections,
                               signedIn: try await req.account() != nil)
        return req.guichet.renderer.html("portal/summary", view)
    }

    /// Draws one page of the form with the answers so far. `outcome` is the validation of those answers when the
    /// caller has it (it decides which questions are hidden and the step count); `showErrors` shows its messages.
    private func page(_ req: Request, _ scope: TenantScope, _ demarche: VersionedDemarche, page index: Int,
                      progress: FormProgress, outcome known: FormValidator.Outcome? = nil, showErrors: Bool = false,
                      hasDraft: Bool = false) async throws -> Response {
        let definition = demarche.definition
        let form = definition.form
        let outcome = known ?? FormValidator.validate(progress.raw, against: form, context: req.guichet.evaluationContext)
        let errors = showErrors ? outcome.errors : [:]
        let pageInfo = form.logic.pages[index]
        let position = (outcome.visiblePages.firstIndex(of: index) ?? 0) + 1
        let title = errors.isEmpty ? definition.title : "Erreur — \(definition.title)"
        let view = FormPage(
            layout: try await Layout.make(req, title: title, collectivite: (scope.collectivite.name, scope.slug)),
            slug: scope.slug, demarcheSlug: definition.slug, title: definition.title, summary: definition.summary,
            form: FormVM(form: form, values: progress.values, errors: errors, page: index, visible: outcome.visible, keptFiles: progress.files),
            signedIn: try await req.account() != nil, hasDraft: hasDraft, multiPage: form.isMultiPage, page: index,
            pageTitle: pageInfo.pageField?.label,
            stepLabel: form.isMultiPage ? "Étape \(position) sur \(outcome.visiblePages.count)" : nil,
            hasPrevious: form.isMultiPage && outcome.page(before: index) != nil,
            sendsFromHere: !form.isMultiPage,
            live: pageInfo.fieldIndices.contains { form.fields[$0].condition != nil })
        return req.guichet.renderer.html("portal/form", view, status: errors.isEmpty ? .ok : .unprocessableEntity)
    }

    // MARK: - Helpers

    private func query(_ req: Request) -> [String: String] {
        guard let q = req.url.query else { return [:] }
        var result: [String: String] = [:]
        for (key, values) in FormBody.parseURLEncoded(q) where key != "page" && key != "etape" { result[key] = values.first }
        return result
    }

    private func url(_ scope: TenantScope, _ demarche: VersionedDemarche) -> String {
        "/c/\(scope.slug)/demarches/\(demarche.definition.slug)"
    }

    private func redirect(_ req: Request, _ scope: TenantScope, _ demarche: VersionedDemarche, page: Int) -> Response {
        req.redirect(to: url(scope, demarche) + (page > 0 ? "?page=\(page)" : ""), redirectType: .normal)
    }

    private func resolve(_ req: Request) async throws -> (TenantScope, VersionedDemarche) {
        guard let slug = req.parameters.get("slug"), let scope = try await req.store.citizenScope(slug: slug),
              let demarche = try await req.store.currentDemarche(slug: req.parameters.get("demarche") ?? "", in: scope)
        else { throw Abort(.notFound) }
        return (scope, demarche)
    }
}
