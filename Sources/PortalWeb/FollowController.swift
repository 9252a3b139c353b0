import Demarches
import Storage
import Vapor
import WebSupport

/// Following a request: by number and tracking code (no account needed), or from one's account.
struct FollowController {
    struct FollowForm {
        var layout: Layout
        var number: String
        var error: String?
    }

    struct DemandePage {
        struct Document { var title: String; var url: String? }
        var layout: Layout
        var number: String
        /// The tracking code, when the citizen came with it (to post to the correction form).
        var code: String?
        var correction: String?
        var documents: [Document]
        var title: String
        var collectivite: String
        var status: StatusVM
        var isEnd: Bool
        var submittedAt: String
        var data: [DataItem]
        var history: [EventVM]
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
            return try await page(req, detail, fileBase: nil, code: code)
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

    func mine(req: Request) async throws -> Response {
        let account = try await req.requireAccount()
        guard let detail = try await req.store.demandeForCitizen(number: req.parameters.get("number") ?? "", accountID: account.id, trackingCode: nil)
        else { throw Abort(.notFound) }
        return try await page(req, detail, fileBase: "/compte/demandes/\(detail.number)/fichiers/")
    }

    /// Files are served to the request's owner only (agents have their own route).
    func file(req: Request) async throws -> Response {
        let account = try await req.requireAccount()
        guard let detail = try await req.store.demandeForCitizen(number: req.parameters.get("number") ?? "", accountID: account.id, trackingCode: nil),
              let (file, data) = try req.store.file(id: req.parameters.get("file") ?? "", of: detail)
        else { throw Abort(.notFound) }
        return Download.response(file, data)
    }

    private func page(_ req: Request, _ detail: DemandeDetail, fileBase: String?, code: String? = nil) async throws -> Response {
        let definition = detail.demarche.definition
        let c = try await req.store.collectivite(slug: detail.collectivite)
        let page = DemandePage(
            layout: try await Layout.make(req, title: "Demande \(detail.number)"), number: detail.number, code: code,
            correction: detail.correction,
            documents: detail.documents.map { doc in .init(title: doc.file.filename, url: fileBase.map { $0 + doc.file.id }) },
            title: definition.title,
            collectivite: c?.name ?? "", status: StatusVM(definition.workflow, detail.status),
            isEnd: definition.workflow.status(detail.status)?.isEnd ?? false,
            submittedAt: FrenchDate.string(detail.submittedAt),
            data: DataItem.list(form: definition.form, data: detail.data) { file in fileBase.map { $0 + file.id } ?? "" },
            history: EventVM.list(detail.events, workflow: definition.workflow))
        return req.guichet.renderer.html("portal/demande", page)
    }
}
