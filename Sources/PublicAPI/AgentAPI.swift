import Foundation
import Storage
import Vapor
import WebSupport
import Workflow

/// The agents' API: a collectivité's requests, with the rights of the agent who created the Bearer token.
struct AgentAPI {
    struct ListDTO: Encodable {
        struct Item: Encodable { var number: String; var demarche: String; var status: String; var email: String; var submittedAt: Date; var updatedAt: Date }
        var total: Int; var page: Int; var pageSize: Int; var countsByStatus: [String: Int]; var items: [Item]
    }

    func list(req: Request) async throws -> Response {
        let scope = try await agentScope(req)
        var query = InboxQuery()
        let params = (try? req.query.decode([String: String].self)) ?? [:]
        query.status = params["status"]
        query.demarcheSlug = params["demarche"]
        query.text = params["q"]
        query.from = try params["submitted_from"].map { try Self.day($0, "submitted_from", InboxQuery.start(ofDay:)) }
        query.to = try params["submitted_to"].map { try Self.day($0, "submitted_to", InboxQuery.end(ofDay:)) }
        query.sort = try params["sort"].map { s in
            guard let sort = InboxQuery.Sort(rawValue: s) else { throw Problem(.badRequest, title: "Paramètre invalide", errors: ["sort": "Valeurs possibles : newest, oldest, number."]) }
            return sort
        } ?? .newest
        query.page = try params["page"].map { try Self.int($0, "page", InboxQuery.pages) } ?? 1
        query.pageSize = try params["page_size"].map { try Self.int($0, "page_size", 1...200) } ?? 50
        let page = try await req.store.inbox(query, in: scope)
        return try APIJSON.response(ListDTO(total: page.total, page: page.page, pageSize: page.pageSize, countsByStatus: page.countsByStatus,
            items: page.rows.map { .init(number: $0.number, demarche: $0.demarcheSlug, status: $0.status, email: $0.email,
                                         submittedAt: Date(timeIntervalSince1970: Double($0.submittedAt) / 1000),
                                         updatedAt: Date(timeIntervalSince1970: Double($0.updatedAt) / 1000)) }))
    }

    func show(req: Request) async throws -> Response {
        let scope = try await agentScope(req)
        guard let detail = try await req.store.demande(number: req.parameters.get("number") ?? "", in: scope) else {
            throw Problem(.notFound, title: "Demande introuvable")
        }
        return try APIJSON.response(DemandeDTO(detail, includeData: true))
    }

    func transition(req: Request) async throws -> Response {
        let scope = try await agentScope(req)
        struct Body: Decodable { var transition: String; var reason: String?; var correction: String? }
        guard let body = try? req.content.decode(Body.self, as: .json) else {
            throw Problem(.badRequest, title: "Corps de requête illisible", detail: "Envoyez {\"transition\": \"identifiant\"}.")
        }
        guard let account = try await req.store.account(id: scope.agentID ?? "") else { throw Problem(.unauthorized, title: "Jeton invalide") }
        let number = req.parameters.get("number") ?? ""
        let reason = body.reason?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
        do {
            // The store refuses what the web refuses: a refusal without its reason, an empty correction.
            switch try await Filing(req.guichet).transition(number: number, transitionID: body.transition, in: scope,
                                                            actor: .agent(account.id, name: account.name), reason: reason.isEmpty ? nil : reason,
                                                            correction: body.correction?.trimmingCharacters(in: .whitespacesAndNewlines)) {
            case .success:
                guard let detail = try await req.store.demande(number: number, in: scope) else { throw Problem(.notFound, title: "Demande introuvable") }
                return try APIJSON.response(DemandeDTO(detail, includeData: false))
            case .failure(let refusal) where refusal.isAboutText || refusal == .correctionNotAsked:
                let field = refusal == .reasonRequired || reason.count > WorkflowDefinition.agentTextLimit ? "reason" : "correction"
                throw Problem(.unprocessableEntity, title: "Texte refusé", detail: refusal.frenchMessage, errors: [field: refusal.frenchMessage])
            case .failure(let refusal):
                throw Problem(.conflict, title: "Transition refusée", detail: refusal.frenchMessage)
            }
        } catch StoreError.notFound {
            throw Problem(.notFound, title: "Demande introuvable")
        } catch StoreError.conflict {
            throw Problem(.conflict, title: "Transition refusée", detail: "La demande a changé entre-temps.")
        }
    }

    /// The token's agent scope; a read-only token is refused anything but reading.
    private func agentScope(_ req: Request) async throws -> TenantScope {
        guard let token = req.headers.bearerAuthorization?.token, let grant = try await req.store.apiGrant(token: token) else {
            let problem = Problem(.unauthorized, title: "Authentification requise", detail: "Fournissez un jeton d'API valide (Authorization: Bearer …).")
            throw problem
        }
        guard grant.mayAct || req.method == .GET else {
            throw Problem(.forbidden, title: "Jeton en lecture seule", detail: "Ce jeton permet de lire les demandes, pas d'agir sur elles.")
        }
        return grant.scope
    }

    /// A day in Lyon, both ends included, as in the back-office (`InboxQuery.start(ofDay:)`).
    static func day(_ s: String, _ name: String, _ bound: (String) -> Date?) throws -> Date {
        guard let date = bound(s) else {
            throw Problem(.badRequest, title: "Paramètre invalide", errors: [name: "Date attendue au format 2026-03-21."])
        }
        return date
    }

    static func int(_ s: String, _ name: String, _ range: ClosedRange<Int>) throws -> Int {
        guard let n = Int(s), range.contains(n) else {
            throw Problem(.badRequest, title: "Paramètre invalide", errors: [name: "Nombre entier attendu entre \(range.lowerBound) et \(range.upperBound)."])
        }
        return n
    }
}
