import Demarches
import Territory
import Documents
import Storage
import Vapor
import WebSupport
import Workflow

/// Following a request: by number and tracking code (no account needed), or from one's account.
struct FollowController {
    struct FollowForm {
        var layout: Layout
        var number: String
        var error: String?
    }

    struct DemandePage {
        struct Document { var title: String; var url: String }
        var layout: Layout
        var number: String
        /// The tracking code, when the citizen came with it (to post to the correction form).
        /// Reached by its number and code (the session's proof) rather than from the account.
        var proved: Bool
        /// The acknowledgement of receipt's PDF.
        var acknowledgementURL: String
        /// Signed in, looking at a request filed without an account: it may be attached to theirs.
        var attachable: Bool
        var correction: String?
        var documents: [Document]
        var title: String
        var collectivite: String
        /// « la mairie de Bron »: who answers for it, when routing decided.
        var handledBy: String?
        var status: StatusVM
        var isEnd: Bool
        /// The request was refused or closed without follow-up: how to contest it.
        var appeal: String?
        var submittedAt: String
        var data: [DataItem]
        var history: [EventVM]
        /// « Écrire au service », while the request is open.
        var reply: ReplyForm?
    }

    struct ReplyForm {
        var action: String
        var form: FormVM
    }

    func form(req: Request) async throws -> Response {
        let number = (try? req.query.get(String.self, at: "numero")) ?? ""
        return req.guichet.renderer.html("portal/follow", FollowForm(layout: try await Layout.make(req, title: "Suivre une demande"),
                                                                     number: number, error: nil))
    }

    func lookup(req: Request) async throws -> Response {
        let number = req.form.value("numero").trimmingCharacters(in: .whitespaces).uppercased()
        let code = req.form.value("code")
        let account = try await req.account()
        switch try await req.demandeByTrackingCode(number: number, code: code, accountID: account?.id) {
        case .found(let detail):
            // Proved: this visitor's session opens the request's files and page without the code again.
            req.session.data[Self.proofKey(detail.number)] = detail.id
            return try await page(req, detail, proved: true)
        case .notFound:
            let page = FollowForm(layout: try await Layout.make(req, title: "Erreur — Suivre une demande"), number: number,
                                  error: "Aucune demande ne correspond à ce numéro et à ce code de suivi. Vérifiez-les dans l'accusé de réception.")
            return req.guichet.renderer.html("portal/follow", page, status: .notFound)
        case .tooManyAttempts:
            let page = FollowForm(layout: try await Layout.make(req, title: "Erreur — Suivre une demande"), number: number,
                                  error: TrackingCodeWording.tooManyAttempts)
            let response = req.guichet.renderer.html("portal/follow", page, status: .tooManyRequests)
            response.headers.replaceOrAdd(name: "Retry-After", value: TrackingCodeWording.retryAfterSeconds)
            return response
        }
    }

    /// Where a visitor's session keeps the request they proved theirs with its number and code.
    static func proofKey(_ number: String) -> String { "suivi:\(number)" }

    /// The request this visitor proved theirs, without the code again; nil when they did not (or their session ended).
    static func proven(_ req: Request, number: String) async throws -> DemandeDetail? {
        guard req.hasSession, let id = req.session.data[proofKey(number)] else { return nil }
        return try await req.store.demandeForCitizen(number: number, accountID: nil, trackingCode: nil, provenID: id)
    }

    /// The follow-up page again (after a correction, back from a file): by the session's proof, else the code is asked.
    func again(req: Request) async throws -> Response {
        let number = req.parameters.get("number") ?? ""
        guard let detail = try await Self.proven(req, number: number) else {
            return req.redirect(to: RequestNumber.isWellFormed(number) ? "/suivi?numero=\(number)" : "/suivi", redirectType: .normal)
        }
        return try await page(req, detail, proved: true)
    }

    /// A file or document of a request proved by its number and code.
    func provenFile(req: Request) async throws -> Response {
        guard let detail = try await Self.proven(req, number: req.parameters.get("number") ?? ""),
              let (file, data) = try req.store.file(id: req.parameters.get("file") ?? "", of: detail) else { throw Abort(.notFound) }
        return Download.response(file, data)
    }

    /// « Rattacher à mon compte »: a signed-in citizen who proved a request theirs (number and code) keeps it in
    /// their account from now on.
    func attach(req: Request) async throws -> Response {
        let account = try await req.requireAccount()
        let number = req.parameters.get("number") ?? ""
        guard let detail = try await Self.proven(req, number: number) else { throw Abort(.notFound) }
        if try await req.store.attach(demandeID: detail.id, toAccount: account.id) {
            req.flash("La demande \(detail.number) est rattachée à votre compte.")
            return req.redirect(to: "/compte/demandes/\(detail.number)", redirectType: .normal)
        }
        req.flash("Cette demande est déjà rattachée à un compte.")
        return req.redirect(to: "/suivi/\(detail.number)", redirectType: .normal)
    }

    /// The acknowledgement of receipt of a request, as the law words it (`Acknowledgement`), with the collectivité
    /// the request is filed with (not whatever the address names); nil if it no longer exists.
    static func acknowledgement(_ req: Request, _ detail: DemandeDetail) async throws -> (Acknowledgement, Collectivite)? {
        guard let c = try await req.store.collectivite(slug: detail.collectivite) else { return nil }
        return (Acknowledgement(demarche: detail.demarche.definition, collectivite: c, number: detail.number,
                                receivedAt: detail.submittedAt, followURL: req.guichet.followURL(detail.number)), c)
    }

    /// Its PDF: for the visitor who proved the request theirs, or its account's owner.
    func acknowledgementPDF(req: Request) async throws -> Response {
        let number = req.parameters.get("number") ?? ""
        let detail: DemandeDetail?
        if req.url.path.hasPrefix("/compte/") {
            let account = try await req.requireAccount()
            detail = try await req.store.demandeForCitizen(number: number, accountID: account.id, trackingCode: nil)
        } else {
            detail = try await Self.proven(req, number: number)
        }
        guard let detail, let (acknowledgement, c) = try await Self.acknowledgement(req, detail) else { throw Abort(.notFound) }
        let pdf = PDFDocument(title: "Accusé de réception", body: acknowledgement.text,
                              footer: "\(c.name) — demande \(detail.number)").render()
        return Download.response(StoredFile(id: "", filename: "accuse-reception-\(detail.number).pdf", contentType: "application/pdf", size: pdf.count), pdf)
    }

    func mine(req: Request) async throws -> Response {
        let account = try await req.requireAccount()
        guard let detail = try await req.store.demandeForCitizen(number: req.parameters.get("number") ?? "", accountID: account.id, trackingCode: nil)
        else { throw Abort(.notFound) }
        return try await page(req, detail, proved: false)
    }

    /// Files are served to the request's owner only (agents have their own route).
    func file(req: Request) async throws -> Response {
        let account = try await req.requireAccount()
        guard let detail = try await req.store.demandeForCitizen(number: req.parameters.get("number") ?? "", accountID: account.id, trackingCode: nil),
              let (file, data) = try req.store.file(id: req.parameters.get("file") ?? "", of: detail)
        else { throw Abort(.notFound) }
        return Download.response(file, data)
    }

    /// « Écrire au service »: the citizen's message and files, for the request proved theirs in this session or in
    /// their account. An error draws the page again with what was typed; a closed request takes no more messages.
    func reply(req: Request) async throws -> Response {
        let number = req.parameters.get("number") ?? ""
        let fromAccount = req.url.path.hasPrefix("/compte/")
        let account = fromAccount ? try await req.requireAccount() : try await req.account()
        let found = fromAccount ? try await req.store.demandeForCitizen(number: number, accountID: account?.id ?? "", trackingCode: nil)
                                : try await Self.proven(req, number: number)
        guard let detail = found else { throw Abort(.notFound) }
        let back = fromAccount ? "/compte/demandes/\(detail.number)" : "/suivi/\(detail.number)"
        if let limit = req.formTooLarge {
            return try await page(req, detail, proved: !fromAccount, replyErrors: [
                CitizenReply.filesField: "Les fichiers dépassent \(FormMiddleware.size(limit)) en tout : rien n'a été envoyé. Joignez-en moins, ou de plus légers.",
            ])
        }
        var raw = req.form.raw
        raw.values[CSRF.fieldName] = nil
        do {
            let errors = try await Filing(req.guichet).reply(to: detail, raw: raw, actor: .citizen(account?.id, name: account?.name ?? "Usager"))
            guard errors.isEmpty else { return try await page(req, detail, proved: !fromAccount, replyRaw: raw, replyErrors: errors) }
            req.flash("Votre message a été envoyé au service qui traite votre demande.")
        } catch StoreError.conflict {
            req.flash("Cette demande est close : elle ne reçoit plus de messages. Pour la contester, voyez les voies de recours.")
        }
        return req.redirect(to: back + "#historique", redirectType: .normal)
    }

    private func page(_ req: Request, _ detail: DemandeDetail, proved: Bool, replyRaw: RawSubmission = RawSubmission(),
                      replyErrors: [String: String] = [:]) async throws -> Response {
        let fileBase = proved ? "/suivi/\(detail.number)/fichiers/" : "/compte/demandes/\(detail.number)/fichiers/"
        let signedIn = try await req.account() != nil
        let attachable = proved && detail.accountID == nil && signedIn
        let definition = detail.demarche.definition
        let c = try await req.store.collectivite(slug: detail.collectivite)
        let page = DemandePage(
            layout: try await Layout.make(req, title: "Demande \(detail.number)"), number: detail.number, proved: proved,
            acknowledgementURL: proved ? "/suivi/\(detail.number)/accuse.pdf" : "/compte/demandes/\(detail.number)/accuse.pdf",
            attachable: attachable,
            correction: detail.correction,
            documents: detail.documents.map { doc in .init(title: doc.file.filename, url: fileBase + doc.file.id) },
            title: definition.title,
            collectivite: c?.name ?? "", handledBy: try await req.handlerPhrase(of: detail), status: StatusVM(definition.workflow, detail.status),
            isEnd: definition.workflow.status(detail.status)?.isEnd ?? false,
            appeal: definition.workflow.status(detail.status)?.decision?.isUnfavourable == true
                ? Decision.appealWays(authority: c?.name ?? "la collectivité") : nil,
            submittedAt: FrenchDate.string(detail.submittedAt),
            data: DataItem.list(form: definition.form, data: detail.data) { fileBase + $0.id },
            history: EventVM.list(detail.events, workflow: definition.workflow, replyFiles: detail.replyFiles, toCitizen: true) { fileBase + $0.id },
            reply: definition.workflow.status(detail.status)?.isEnd == false
                ? ReplyForm(action: proved ? "/suivi/\(detail.number)/repondre" : "/compte/demandes/\(detail.number)/repondre",
                            form: FormVM(form: CitizenReply.form, values: replyRaw.values, errors: replyErrors, page: nil,
                                         visible: Set(CitizenReply.form.fields.map(\.id))))
                : nil)
        return req.guichet.renderer.html("portal/demande", page, status: replyErrors.isEmpty ? .ok : .unprocessableEntity)
    }
}
