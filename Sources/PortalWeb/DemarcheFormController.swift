import Demarches
import Identity
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
        /// The démarche's own personal-data notice, where it differs from the collectivité's page.
        var privacy: String?
        var form: FormVM
        var signedIn: Bool
        /// The form was reopened from a draft, kept until this day.
        var draftUntil: String?
        var multiPage: Bool
        var page: Int
        var pageTitle: String?
        var stepLabel: String?
        var hasPrevious: Bool
        /// A one-page form is sent from its page; a multi-page form from its summary.
        var sendsFromHere: Bool
        /// Reached by « Modifier » from the summary: once valid, the page goes back there.
        var backToSummary: Bool
        /// This drawing's one-time token, on a page that sends: the same page sent twice files one request
        /// (`Filing.submissionKey`). A multi-page form's token is on its summary.
        var submissionToken: String?
        var live: Bool
        /// The page asks for a point on a map and Leaflet is installed: its script and style are loaded.
        var maps: Bool
    }

    struct SummaryPage {
        struct Section { var title: String; var editURL: String; var items: [DataItem] }
        var layout: Layout
        var slug: String
        var demarcheSlug: String
        var title: String
        var sections: [Section]
        var signedIn: Bool
        var submissionToken: String
    }

    // MARK: - Showing

    func show(req: Request) async throws -> Response {
        let (scope, demarche) = try await resolve(req)
        let form = demarche.definition.form
        let account = try await req.account()
        if let refusal = try await Filing(req.guichet).refusal(of: demarche, in: scope, account: account) {
            return try await refused(req, scope, demarche, refusal)
        }
        let keeper = ProgressKeeper(req: req, demarcheID: demarche.id, account: account)
        let kept = try await keeper.load()
        // Said once, on arriving at the form: the answers come from a draft kept until that day.
        let draftUntil = req.query[Int.self, at: "page"] == nil ? kept?.keptUntil : nil
        let prefill = FormProgress(values: form.withIdentity(form.prefill(email: account?.email, name: account?.name, query: query(req), town: town(scope)), try await identity(req, account)), files: [:])
        if !form.isMultiPage {
            return try await page(req, scope, demarche, page: 0, progress: kept?.progress ?? prefill, draftUntil: draftUntil)
        }
        let progress: FormProgress
        if let kept { progress = kept.progress }
        else {
            progress = prefill
            // Anonymous answers start in the session, with what the address prefilled; a signed-in citizen's draft
            // is written by their first page (or now, to keep what the address prefilled).
            if account == nil || !query(req).isEmpty { try await keeper.save(progress, in: scope) }
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
        if req.query[Int.self, at: "page"] == nil, kept != nil, outcome.pagesWithErrors.min() != 0 {
            // Back to a form begun earlier (or on another device): straight to where it stopped.
            if let until = draftUntil { req.flash("Nous avons repris votre brouillon, conservé jusqu'au \(FrenchDate.day(until)).") }
            guard let next = outcome.pagesWithErrors.min() else { return req.redirect(to: url(scope, demarche) + "?etape=recapitulatif", redirectType: .normal) }
            return redirect(req, scope, demarche, page: next)
        }
        let requested = req.query[Int.self, at: "page"] ?? 0
        let shown = outcome.pageToShow(requested: requested)
        guard shown == requested else { return redirect(req, scope, demarche, page: shown) }
        return try await page(req, scope, demarche, page: requested, progress: progress, outcome: outcome, draftUntil: draftUntil)
    }

    // MARK: - Posting

    func post(req: Request) async throws -> Response {
        let (scope, demarche) = try await resolve(req)
        if let refusal = try await Filing(req.guichet).refusal(of: demarche, in: scope, account: try await req.account()) {
            return try await refused(req, scope, demarche, refusal)
        }
        let form = demarche.definition.form
        if let limit = req.formTooLarge {
            // Unread, so nothing changes: the page again, with what was kept and the reason beside it.
            let account = try await req.account()
            let kept = try await ProgressKeeper(req: req, demarcheID: demarche.id, account: account).load()?.progress
            let index = req.query[Int.self, at: "page"].flatMap { form.logic.pages.indices.contains($0) ? $0 : nil } ?? 0
            return try await page(req, scope, demarche, page: index,
                                  progress: kept ?? FormProgress(values: form.prefill(email: account?.email, name: account?.name, town: town(scope)), files: [:]),
                                  problem: "L'envoi dépasse \(FormMiddleware.size(limit)) : un fichier joint est trop volumineux. Les réponses de cette page n'ont pas pu être lues ; saisissez-les de nouveau avec un fichier plus petit (la taille permise est indiquée sous chaque question).")
        }
        let posted = req.form.raw
        let action = posted.first("action")
        var values = posted.values
        for hidden in [CSRF.fieldName, "action", "_page", "_retour", "_envoi"] { values[hidden] = nil }
        let account = try await req.account()
        let keeper = ProgressKeeper(req: req, demarcheID: demarche.id, account: account)
        guard form.isMultiPage else {
            // Files attached on an earlier drawing of the page stay unless another is chosen for the same question.
            let kept = try await keeper.load()?.progress.files ?? [:]
            if let adjusted = BlockRows.applying(action, to: values, form: form) {
                return try await page(req, scope, demarche, page: 0, progress: FormProgress(values: adjusted, files: kept))
            }
            if action == "brouillon" { return try await saveDraft(req, scope, demarche, keeper, FormProgress(values: values, files: kept), page: 0) }
            var raw = posted
            raw.values = values
            raw.keptFiles = kept
            return try await send(req, scope, demarche, raw, keeper: keeper, token: posted.first("_envoi"))
        }
        var progress = try await keeper.load()?.progress
            ?? FormProgress(values: form.prefill(email: account?.email, name: account?.name, town: town(scope)), files: [:])
        if action == "envoyer" {
            return try await send(req, scope, demarche, progress.raw, keeper: keeper, token: posted.first("_envoi"))
        }
        let index = Int(posted.first("_page")) ?? 0
        guard form.logic.pages.indices.contains(index) else { throw Abort(.badRequest) }
        let page = form.logic.pages[index]
        progress.merge(page: page, of: form, posted: values)
        if let adjusted = BlockRows.applying(action, to: progress.values, form: form) {
            progress.values = adjusted
            try await keeper.save(progress, in: scope)
            return try await self.page(req, scope, demarche, page: index, progress: progress)
        }
        if action == "brouillon" || action == "precedent" {
            if action == "brouillon" { return try await saveDraft(req, scope, demarche, keeper, progress, page: index) }
            try await keeper.save(progress, in: scope)
            let outcome = FormValidator.validate(progress.raw, against: form, context: req.guichet.evaluationContext)
            return redirect(req, scope, demarche, page: outcome.page(before: index) ?? 0)
        }
        // "Continuer": this page's files are checked and stored now, then only referenced until the request is sent.
        // Only this page's file fields are read: a post carrying files for another page's fields stores nothing.
        var raw = progress.raw
        raw.files = posted.files.filter { key, _ in page.owns(rawKey: key, in: form) }
        let outcome = FormValidator.validate(raw, against: form, context: req.guichet.evaluationContext, place: try await place(req, scope, form))
        try keepFiles(req, outcome, posted: raw, of: page.fieldIndices, in: form, into: &progress)
        try await keeper.save(progress, in: scope)
        if let fix = outcome.pageToFix(through: index) {
            return try await self.page(req, scope, demarche, page: fix, progress: progress, outcome: outcome, showErrors: true)
        }
        // Changed from the summary: back to it once nothing is left to fix.
        if posted.first("_retour") == "recapitulatif", outcome.pagesWithErrors.isEmpty {
            return req.redirect(to: url(scope, demarche) + "?etape=recapitulatif", redirectType: .normal)
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
        if form.isMultiPage, var progress = try await ProgressKeeper(req: req, demarcheID: demarche.id, account: try await req.account()).load()?.progress {
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
                      keeper: ProgressKeeper, token: String?) async throws -> Response {
        var raw = raw
        raw.values = demarche.definition.form.withIdentity(raw.values, try await identity(req, keeper.account))
        let key = Filing.submissionKey(formToken: token)
        switch try await Filing(req.guichet).submit(raw, demarche: demarche, in: scope, account: keeper.account, key: key,
                                                    place: try await place(req, scope, demarche.definition.form)) {
        case .invalid(let outcome):
            // The files that passed are stored and kept (one-page form), so the citizen does not choose them again.
            var progress = FormProgress(values: raw.values, files: raw.keptFiles)
            let form = demarche.definition.form
            if !form.isMultiPage {
                try keepFiles(req, outcome, posted: raw, of: Array(form.fields.indices), in: form, into: &progress)
                if !progress.files.isEmpty || !raw.keptFiles.isEmpty { try await keeper.save(progress, in: scope) }
            }
            return try await page(req, scope, demarche, page: outcome.pagesWithErrors.min() ?? 0,
                                  progress: progress, outcome: outcome, showErrors: true)
        case .refused(let refusal):
            return try await refused(req, scope, demarche, refusal)
        case .resent(let number):
            // Sent again (back from the receipt, a double click): the request the first sending filed.
            req.session.data["resent:\(number)"] = "1"
            return req.redirect(to: "/c/\(scope.slug)/demandes/\(number)/recu", redirectType: .normal)
        case .filed(let filed):
            try await keeper.clear()
            req.session.data["receipt:\(filed.number)"] = filed.trackingCode
            // Who filed it has proved it theirs: its page and acknowledgement open from this session.
            req.session.data[FollowController.proofKey(filed.number)] = filed.id
            return req.redirect(to: "/c/\(scope.slug)/demandes/\(filed.number)/recu", redirectType: .normal)
        }
    }

    /// The commune whose démarche this is (nil for the Métropole's): where a located request's address starts.
    private func town(_ scope: TenantScope) -> String? { scope.collectivite.kind == .commune ? scope.collectivite.name : nil }

    /// What the collectivité's territory covers, for a form with an address that locates the request.
    private func place(_ req: Request, _ scope: TenantScope, _ form: FormDefinition) async throws -> PlaceRule? {
        guard form.fields.contains(where: { $0.locatesRequest == true }) else { return nil }
        return PlaceRule.within(scope.collectivite, territory: try await req.store.collectivites())
    }

    /// Stores the files of `fields` that passed the check and keeps their references in `progress`; a question
    /// whose new file was refused loses its earlier one (the citizen chose to replace it).
    private func keepFiles(_ req: Request, _ outcome: FormValidator.Outcome, posted: RawSubmission, of fields: [Int],
                           in form: FormDefinition, into progress: inout FormProgress) throws {
        for (file, bytes) in outcome.files { try req.store.files.write(id: file.id, bytes: bytes) }
        for i in fields where form.fields[i].type.holdsFiles {
            let id = form.fields[i].id
            if case .files(let kept) = outcome.values[id] { progress.files[id] = kept } else if posted.files[id] != nil { progress.files[id] = nil }
        }
    }

    /// « Enregistrer le brouillon »: a signed-in citizen's draft is kept (and reached from any device once signed
    /// in); an anonymous citizen is offered a link by e-mail to resume, on this device or another.
    private func saveDraft(_ req: Request, _ scope: TenantScope, _ demarche: VersionedDemarche, _ keeper: ProgressKeeper,
                           _ progress: FormProgress, page index: Int) async throws -> Response {
        if let until = try await keeper.save(progress, in: scope) {
            req.flash("Brouillon enregistré jusqu'au \(FrenchDate.day(until)). Vous le retrouverez en revenant sur cette démarche, depuis n'importe quel appareil où vous êtes connecté.")
            return redirect(req, scope, demarche, page: index)
        }
        return req.redirect(to: url(scope, demarche) + "/brouillon?page=\(index)", redirectType: .normal)
    }

    private func summary(_ req: Request, _ scope: TenantScope, _ demarche: VersionedDemarche,
                         _ outcome: FormValidator.Outcome) async throws -> Response {
        let definition = demarche.definition
        let base = url(scope, demarche)
        let sections = outcome.visiblePages.map { index in
            let page = definition.form.logic.pages[index]
            return SummaryPage.Section(title: page.pageField?.label ?? definition.title, editURL: "\(base)?page=\(index)&retour=recapitulatif",
                                       items: DataItem.list(form: definition.form, data: outcome.values, only: page.fieldIndices) { _ in "" })
        }
        let view = SummaryPage(layout: try await Layout.make(req, title: "Vérifiez votre demande — \(definition.title)",
                                                             collectivite: (scope.collectivite.name, scope.slug)),
                               slug: scope.slug, demarcheSlug: definition.slug, title: definition.title, sections: sections,
                               signedIn: try await req.account() != nil, submissionToken: Secret.token())
        return req.guichet.renderer.html("portal/summary", view)
    }

    /// Draws one page of the form with the answers so far. `outcome` is the validation of those answers when the
    /// caller has it (it decides which questions are hidden and the step count); `showErrors` shows its messages.
    private func page(_ req: Request, _ scope: TenantScope, _ demarche: VersionedDemarche, page index: Int,
                      progress: FormProgress, outcome known: FormValidator.Outcome? = nil, showErrors: Bool = false,
                      draftUntil: Date? = nil, problem: String? = nil) async throws -> Response {
        let definition = demarche.definition
        let form = definition.form
        let outcome = known ?? FormValidator.validate(progress.raw, against: form, context: req.guichet.evaluationContext)
        let errors = showErrors ? outcome.errors : [:]
        let pageInfo = form.logic.pages[index]
        let position = (outcome.visiblePages.firstIndex(of: index) ?? 0) + 1
        let title = errors.isEmpty && problem == nil ? definition.title : "Erreur — \(definition.title)"
        let verified = try await identity(req, try await req.account())
        var formVM = FormVM(form: form, values: form.withIdentity(progress.values, verified), errors: errors, page: index, visible: outcome.visible,
                            keptFiles: progress.files, focusBlock: BlockRows.target(of: req.form.value("action")),
                            elsewhere: showErrors ? outcome.elsewhere : [:], fromFranceConnect: form.identityFieldIDs(verified))
        if let problem { formVM.pageError = problem; formVM.hasErrors = true }
        let view = FormPage(
            layout: try await Layout.make(req, title: title, collectivite: (scope.collectivite.name, scope.slug)),
            slug: scope.slug, demarcheSlug: definition.slug, title: definition.title, summary: definition.summary,
            privacy: definition.privacy, form: formVM,
            signedIn: try await req.account() != nil, draftUntil: draftUntil.map(FrenchDate.day), multiPage: form.isMultiPage, page: index,
            pageTitle: pageInfo.pageField?.label,
            stepLabel: form.isMultiPage ? "Étape \(position) sur \(outcome.visiblePages.count)" : nil,
            hasPrevious: form.isMultiPage && outcome.page(before: index) != nil,
            sendsFromHere: !form.isMultiPage,
            backToSummary: form.isMultiPage && (req.query[String.self, at: "retour"] ?? req.form.value("_retour")) == "recapitulatif",
            submissionToken: form.isMultiPage ? nil : Secret.token(),
            live: pageInfo.fieldIndices.contains { form.fields[$0].condition != nil },
            maps: Leaflet.isAvailable && pageInfo.fieldIndices.contains { form.fields[$0].type == .mapPoint })
        return req.guichet.renderer.html("portal/form", view, status: problem != nil ? .payloadTooLarge : errors.isEmpty ? .ok : .unprocessableEntity)
    }

    /// The signed-in account's identity as FranceConnect vouched for it, for the questions that ask for it; empty
    /// without a verified one (a declared identity is the holder's word: it fills nothing).
    private func identity(_ req: Request, _ account: Account?) async throws -> [IdentityField: String] {
        guard let account, let civil = try await req.store.civilIdentity(accountID: account.id), civil.isVerified else { return [:] }
        let p = civil.pivot
        return [.givenName: p.givenName, .familyName: p.familyName, .birthdate: p.birthdate, .birthplace: p.birthplace, .birthcountry: p.birthcountry]
    }

    struct RefusedPage { var layout: Layout; var title: String; var message: String; var link: String; var linkLabel: String }

    /// One request per person: asks to sign in (and come back), or points to the request already filed.
    private func refused(_ req: Request, _ scope: TenantScope, _ demarche: VersionedDemarche, _ refusal: Filing.Refusal) async throws -> Response {
        let title = demarche.definition.title
        let page: RefusedPage
        switch refusal {
        case .accountRequired:
            page = RefusedPage(layout: try await Layout.make(req, title: title, collectivite: (scope.collectivite.name, scope.slug)), title: title,
                               message: "Cette démarche n'accepte qu'une demande par personne : connectez-vous à votre compte (ou créez-en un) pour la faire.",
                               link: "/compte/connexion?retour=" + (url(scope, demarche).addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""),
                               linkLabel: "Se connecter")
        case .alreadyFiled(let number):
            page = RefusedPage(layout: try await Layout.make(req, title: title, collectivite: (scope.collectivite.name, scope.slug)), title: title,
                               message: demarche.definition.onePerPerson == .once
                                   ? "Cette démarche n'accepte qu'une demande par personne, et vous l'avez déjà faite : demande \(number)."
                                   : "Vous avez déjà une demande en cours pour cette démarche (\(number)) ; vous pourrez en déposer une autre une fois celle-ci close.",
                               link: "/compte", linkLabel: "Suivre mes demandes")
        }
        return req.guichet.renderer.html("portal/refused", page, status: refusal == .accountRequired ? .ok : .forbidden)
    }

    // MARK: - Helpers

    private func query(_ req: Request) -> [String: String] {
        guard let q = req.url.query else { return [:] }
        var result: [String: String] = [:]
        for (key, values) in FormBody.parseURLEncoded(q) where !["page", "etape", "retour"].contains(key) { result[key] = values.first }
        return result
    }

    func url(_ scope: TenantScope, _ demarche: VersionedDemarche) -> String {
        "/c/\(scope.slug)/demarches/\(demarche.definition.slug)"
    }

    private func redirect(_ req: Request, _ scope: TenantScope, _ demarche: VersionedDemarche, page: Int) -> Response {
        // Always explicit, first page included: an address without `page` means "resume where the draft stopped".
        req.redirect(to: url(scope, demarche) + "?page=\(page)", redirectType: .normal)
    }

    func resolve(_ req: Request) async throws -> (TenantScope, VersionedDemarche) {
        guard let slug = req.parameters.get("slug"), let scope = try await req.store.citizenScope(slug: slug),
              let demarche = try await req.store.currentDemarche(slug: req.parameters.get("demarche") ?? "", in: scope)
        else { throw Abort(.notFound) }
        return (scope, demarche)
    }
}
