import Demarches
import Foundation
import Messaging
import Routing
import Storage
import Territory
import Vapor
import WebSupport
import Workflow

/// The page a relay e-mail's link opens (/relais/{secret}): a town hall, member of the guichet or not, reads the
/// request the Métropole relayed to it and acknowledges it, answers the citizen or closes it, without an account.
/// The secret is the only key: the page is never cached, indexed, nor given as a referrer.
struct RelayController {
    struct PageVM {
        var layout: Layout
        var base: String
        var number: String
        var title: String
        var commune: String
        var category: String?
        var submittedAt: String
        var citizen: String
        var status: StatusVM
        var data: [DataItem]
        var history: [EventVM]
        var acknowledgedAt: String?
        var isClosed: Bool
        var validUntil: String
        var answer: String
        /// Beside the answer's field.
        var answerError: String?
        var error: String?
    }

    func show(req: Request) async throws -> Response {
        let (relay, detail) = try await opened(req)
        return try await page(req, relay, detail, answer: "")
    }

    func acknowledge(req: Request) async throws -> Response {
        let (relay, detail) = try await opened(req)
        try await req.store.acknowledgeRelay(relay, by: try await actor(req, relay))
        await req.guichet.mailQueued()
        req.flash("Réception confirmée : l'usager voit que sa demande est prise en compte par la mairie.")
        return back(req, detail)
    }

    func answer(req: Request) async throws -> Response {
        let (relay, detail) = try await opened(req)
        let body = req.form.value("texte").trimmingCharacters(in: .whitespacesAndNewlines)
        guard !body.isEmpty, body.count <= 5000 else {
            return try await page(req, relay, detail, answer: body, answerError: "Écrivez votre réponse à l'usager (5 000 caractères au plus).",
                                  status: .unprocessableEntity)
        }
        try await Filing(req.guichet).answerThroughRelay(relay, body: body, by: try await actor(req, relay))
        req.flash(detail.email.isEmpty ? "Réponse enregistrée. L'usager n'a pas laissé d'adresse e-mail : il la lira sur son suivi."
                                       : "Réponse envoyée à l'usager par e-mail.")
        return back(req, detail)
    }

    func close(req: Request) async throws -> Response {
        let (relay, detail) = try await opened(req)
        switch try await req.store.closeThroughRelay(relay, by: try await actor(req, relay)) {
        case .success(let status):
            await req.guichet.mailQueued()
            req.flash("Demande close : « \(status.label) ».")
            return back(req, detail)
        case .failure(let refusal):
            return try await page(req, relay, detail, answer: "", error: refusal.message, status: .conflict)
        }
    }

    func file(req: Request) async throws -> Response {
        let (_, detail) = try await opened(req)
        guard let (file, data) = try req.store.file(id: req.parameters.get("file") ?? "", of: detail) else { throw Abort(.notFound) }
        return Download.response(file, data)
    }

    // MARK: -

    private func opened(_ req: Request) async throws -> (StoredRelay, DemandeDetail) {
        guard let found = try await req.store.relayedDemande(secret: req.parameters.get("secret") ?? "") else {
            throw Abort(.notFound, reason: "Ce lien de relais est inconnu ou a expiré. Demandez un nouveau relais à la Métropole de Lyon.")
        }
        return found
    }

    /// Who acts: the town hall, not a person (the link is the town hall's).
    private func actor(_ req: Request, _ relay: StoredRelay) async throws -> Actor {
        try await Filing(req.guichet).relayActor(relay)
    }

    private func back(_ req: Request, _ detail: DemandeDetail) -> Response {
        req.redirect(to: "/relais/" + (req.parameters.get("secret") ?? ""), redirectType: .normal)
    }

    private func page(_ req: Request, _ relay: StoredRelay, _ detail: DemandeDetail, answer: String, answerError: String? = nil,
                      error: String? = nil, status: HTTPStatus = .ok) async throws -> Response {
        let definition = detail.demarche.definition
        let base = "/relais/" + (req.parameters.get("secret") ?? "")
        let fileURL = { (id: String) in "\(base)/fichiers/\(id)" }
        let commune = try await req.store.collectivite(slug: relay.commune)?.name ?? relay.commune
        let citizen = detail.events.first?.actorName ?? "Usager"
        let vm = PageVM(
            layout: try await Layout.make(req, title: "Demande \(detail.number) relayée à la mairie \(FrenchName.de(commune))"), base: base,
            number: detail.number, title: definition.title, commune: commune,
            category: try await detail.routing?.category.asyncMap { try await req.store.router().category($0)?.label ?? $0 },
            submittedAt: FrenchDate.string(detail.submittedAt), citizen: detail.email.isEmpty ? citizen : "\(citizen) <\(detail.email)>",
            status: StatusVM(definition.workflow, detail.status),
            data: DataItem.list(form: definition.form, data: detail.data) { fileURL($0.id) },
            // What the citizen may see, and the relay's own lines: the Métropole's internal notes stay inside.
            history: EventVM.list(detail.events.filter(\.visibleToCitizen), workflow: definition.workflow, replyFiles: detail.replyFiles) { fileURL($0.id) },
            acknowledgedAt: relay.acknowledgedAt.map(FrenchDate.string), isClosed: definition.workflow.status(detail.status)?.isEnd == true,
            validUntil: FrenchDate.day(relay.expiresAt), answer: answer, answerError: answerError, error: error)
        let response = req.guichet.renderer.html("grc/relay", vm, status: status)
        response.headers.replaceOrAdd(name: .cacheControl, value: "no-store")
        response.headers.replaceOrAdd(name: "Referrer-Policy", value: "no-referrer")
        response.headers.replaceOrAdd(name: "X-Robots-Tag", value: "noindex")
        return response
    }
}

extension Optional {
    fileprivate func asyncMap<T>(_ transform: (Wrapped) async throws -> T) async rethrows -> T? {
        guard let value = self else { return nil }
        return try await transform(value)
    }
}
