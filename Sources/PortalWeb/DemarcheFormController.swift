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
        var isLast: Bool
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
        var hasDraft = false
        if !form.isMultiPage {
            var values = form.prefill(email: account?.email, name: account?.name, query: query(req))
            if let account, let draft = try await req.store.draft(accountID: account.id, demarcheID: demarche.id) { values = draft; hasDraft = true }
            return try await page(req, scope, demarche, page: 0, values: values, errors: [:], hasDraft: hasDraft)
        }
        var progress: FormProgress
        if let kept = FormProgress.load(req, demarcheID: demarche.id) { progress = kept }
        else {
            progress = FormProgress(values: form.prefill(email: account?.email, name: account?.name, query: query(req)), files: [:])
            if let account, let draft = try await req.store.draft(accountID: account.id, demarcheID: demarche.id) {
                progress.values = draft; hasDraft = true
            }
            try progress.save(req, demarcheID: demarche.id)
        }
        let context = req.guichet.evaluationContext
        if req.query[String.self, at: "etape"] == "recapitulatif" {
            let outcome = FormValidator.validate(progress.raw, against: form, context: context)
            // An answer the summary cannot accept (a page skipped by hand, a form republished meanwhile): show its
            // page with the message rather than a summary of invalid answers.
            if let first = firstPageWithErrors(outcome, form) {
                return try await page(req, scope, demarche, page: first, values: progress.values, errors: outcome.errors,
                                      hasDraft: false, keptFiles: progress.files, status: .unprocessableEntity)
            }
            return try await summary(req, scope, demarche, outcome)
        }
        let requested = req.query[Int.self, at: "page"] ?? 0
        // A page is shown only once the pages before it are complete, and only if it applies.
        let before = FormValidator.validate(progress.raw, against: form, throughPage: requested - 1, context: context)
        if requested > 0, let first = firstPageWithErrors(before, form) { return redirect(req, scope, demarche, page: first) }
        let all = FormValidator.validate(progress.raw, against: form, context: context)
        guard all.visiblePages.contains(requested) else {
            return redirect(req, scope, demarche, page: all.visiblePages.first { $0 > requested } ?? all.visiblePages.first ?? 0)
        }
        return try await page(req, scope, demarche, page: requested, values: progress.values, errors: [:], hasDraft: hasDraft,
                              keptFiles: progress.files)
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
            if action == "brouillon" { return try await saveDraft(req, scope, demarche, values: values, page: 0) }
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
        let context = req.guichet.evaluationContext
        switch action {
        case "precedent":
            try progress.save(req, demarcheID: demarche.id)
            let all = FormValidator.validate(progress.raw, against: form, context: context)
            return redirect(req, scope, demarche, page: all.visiblePages.last { $0 < index } ?? 0)
        case "brouillon":
            try progress.save(req, demarcheID: demarche.id)
            return try await saveDraft(req, scope, demarche, values: progress.values, page: index)
        default:
            var raw = progress.raw
            raw.files = posted.files
            let outcome = FormValidator.validate(raw, against: form, throughPage: index, context: context)
            for (file, bytes) in outcome.files { try req.store.files.write(id: file.id, bytes: bytes) }
            for i in page.fieldIndices where form.fields[i].type == .file {
                let id = form.fields[i].id
                if case .files(let kept) = outcome.values[id] { progress.files[id] = kept } else if posted.files[id] != nil { progress.files[id] = nil }
            }
            try progress.save(req, demarcheID: demarche.id)
            if let first = firstPageWithErrors(outcome, form) {
                return try await self.page(req, scope, demarche, page: first, values: progress.values, errors: outcome.errors,
                                           hasDraft: false, keptFiles: progress.files, status: .unprocessableEntity)
            }
            let all = FormValidator.validate(progress.raw, against: form, context: context)
            if let next = all.visiblePages.first(where: { $0 > index }) { return redirect(req, scope, demarche, page: next) }
            return req.redirect(to: url(scope, demarche) + "?etape=recapitulatif", redirectType: .normal)
        }
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
        let outcome = FormValidator.validate(raw, against: form, throughPage: index, context: req.guichet.evaluationContext)
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
        case .invalid(let errors):
            let form = demarche.definition.form
            let outcome = FormValidator.validate(raw, against: form, context: req.guichet.evaluationContext)
            let first = firstPageWithErrors(outcome, form) ?? 0
            return try await page(req, scope, demarche, page: first, values: raw.values, errors: errors, hasDraft: false,
                                  keptFiles: raw.keptFiles, status: .unprocessableEntity)
        case .filed(let filed):
            if let account { try await req.store.deleteDraft(accountID: account.id, demarcheID: demarche.id) }
            if progress { FormProgress.clear(req, demarcheID: demarche.id) }
            req.session.data["receipt:\(filed.number)"] = filed.trackingCode
            return req.redirect(to: "/c/\(scope.slug)/demandes/\(filed.number)/recu", redirectType: .normal)
        }
    }

    private func saveDraft(_ req: Request, _ scope: TenantScope, _ demarche: VersionedDemarche, values: [String: [String]],
                           page index: Int) async throws -> Response {
        guard let account = try await req.account() else {
            req.flash("Connectez-vous pour enregistrer un brouillon : vos saisies seront conservées.")
            return try await page(req, scope, demarche, page: index, values: values, errors: [:], hasDraft: false)
        }
        try await req.store.saveDraft(accountID: account.id, demarcheID: demarche.id, values: values, in: scope)
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

    private func page(_ req: Request, _ scope: TenantScope, _ demarche: VersionedDemarche, page index: Int,
                      values: [String: [String]], errors: [String: String], hasDraft: Bool,
                      keptFiles: [String: [StoredFile]] = [:], status: HTTPStatus = .ok) async throws -> Response {
        let definition = demarche.definition
        let form = definition.form
        let raw = RawSubmission(values: values, keptFiles: keptFiles)
        let all = FormValidator.validate(raw, against: form, context: req.guichet.evaluationContext)
        let pageInfo = form.logic.pages[index]
        let position = (all.visiblePages.firstIndex(of: index) ?? 0) + 1
        let title = errors.isEmpty ? definition.title : "Erreur — \(definition.title)"
        let view = FormPage(
            layout: try await Layout.make(req, title: title, collectivite: (scope.collectivite.name, scope.slug)),
            slug: scope.slug, demarcheSlug: definition.slug, title: definition.title, summary: definition.summary,
            form: FormVM(form: form, values: values, errors: errors, page: index, visible: all.visible, keptFiles: keptFiles),
            signedIn: try await req.account() != nil, hasDraft: hasDraft, multiPage: form.isMultiPage, page: index,
            pageTitle: pageInfo.pageField?.label,
            stepLabel: form.isMultiPage ? "Étape \(position) sur \(all.visiblePages.count)" : nil,
            hasPrevious: form.isMultiPage && all.visiblePages.contains { $0 < index },
            isLast: !form.isMultiPage,
            live: pageInfo.fieldIndices.contains { form.fields[$0].condition != nil })
        return req.guichet.renderer.html("portal/form", view, status: status)
    }

    // MARK: - Helpers

    private func firstPageWithErrors(_ outcome: FormValidator.Outcome, _ form: FormDefinition) -> Int? {
        form.fields.indices.filter { outcome.errors[form.fields[$0].id] != nil }.map { form.logic.pageOfField($0) }.min()
    }

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
