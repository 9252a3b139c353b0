import Crypto
import Foundation
import Routing
import Storage
import Vapor
import WebSupport

/// The inbound side of the offre connecté: a commune's own software, with its connector's Bearer token, reads
/// the requests the Métropole relayed to it and tells what it did with them (`ConnectorUpdate`). Every POST
/// carries an `Idempotency-Key`: the same key again gets the same answer and changes nothing, so the software
/// may retry a call whose answer it lost.
struct ConnectorAPI {
    struct DemandeDTO: Encodable {
        var number: String
        var status: String
        var statusLabel: String
        var reference: String?
        var acknowledged: Bool
        var closed: Bool
        var request: ConnectorRequest

        enum CodingKeys: String, CodingKey { case number, status, statusLabel = "status_label", reference, acknowledged, closed, request }
    }

    func show(req: Request) async throws -> Response {
        let (relay, detail) = try await relayed(req, commune: try await commune(req))
        return try APIJSON.response(dto(relay, detail, req))
    }

    func file(req: Request) async throws -> Response {
        let (_, detail) = try await relayed(req, commune: try await commune(req))
        guard let (file, data) = try req.store.file(id: req.parameters.get("file") ?? "", of: detail) else {
            throw Problem(.notFound, title: "Fichier introuvable")
        }
        return Download.response(file, data)
    }

    func post(req: Request) async throws -> Response {
        let commune = try await commune(req)
        guard let key = req.headers.first(name: "Idempotency-Key"), ConnectorUpdate.isIdempotencyKey(key) else {
            throw Problem(.badRequest, title: "Clé d'idempotence requise",
                          detail: "Chaque appel porte un en-tête Idempotency-Key de 1 à 200 caractères ASCII visibles (un UUID, par exemple).",
                          errors: ["Idempotency-Key": "En-tête absent ou invalide."])
        }
        let body = Data(buffer: req.body.data ?? ByteBuffer())
        let number = req.parameters.get("number") ?? ""
        // The same call is the same update of the same request, however its JSON is laid out (key order, spaces).
        let canonical = (try? ConnectorUpdate.parse(body).get()).map { [$0.kind.rawValue, $0.message ?? "", $0.reference ?? ""].joined(separator: "\u{0}") }
        let hash = SHA256.hash(data: Data(number.utf8) + [0] + (canonical.map { Data($0.utf8) } ?? body)).map { String(format: "%02x", $0) }.joined()
        if let earlier = try await req.store.claimIdempotencyKey(key, commune: commune, requestHash: hash) {
            guard earlier.sameRequest else {
                throw Problem(.unprocessableEntity, title: "Clé d'idempotence déjà utilisée",
                              detail: "Cette clé a servi pour un autre appel : prenez une nouvelle clé pour chaque appel différent.")
            }
            guard earlier.status != 0 else {
                throw Problem(.conflict, title: "Appel en cours", detail: "Un appel avec cette clé est en cours de traitement : réessayez dans un instant.")
            }
            return replayed(earlier)
        }
        let response: Response
        do {
            response = try await apply(body, number: number, commune: commune, req: req)
        } catch let problem as Problem {
            response = problem.response()
        } catch {
            // The server's failure, not the call's: the key is given back so the same call can succeed later.
            try await req.store.settleIdempotencyKey(key, commune: commune, status: nil, response: "")
            throw error
        }
        let text = response.body.data.flatMap { String(data: $0, encoding: .utf8) } ?? ""
        try await req.store.settleIdempotencyKey(key, commune: commune, status: Int(response.status.code), response: text)
        return response
    }

    // MARK: -

    private func apply(_ body: Data, number: String, commune: String, req: Request) async throws -> Response {
        let update: ConnectorUpdate
        switch ConnectorUpdate.parse(body) {
        case .success(let parsed): update = parsed
        case .failure(let problem):
            throw Problem(.unprocessableEntity, title: "Appel refusé", detail: problem.message,
                          errors: problem.field.isEmpty ? nil : [problem.field: problem.message])
        }
        let (relay, _) = try await relayed(req, commune: commune)
        let filing = Filing(req.guichet)
        let actor = try await filing.relayActor(relay)
        if let reference = update.reference { try await req.store.setRelayReference(relay, reference: reference) }
        switch update.kind {
        case .acknowledge:
            try await req.store.acknowledgeRelay(relay, by: actor)
            await req.guichet.mailQueued()
        case .message:
            try await filing.answerThroughRelay(relay, body: update.message ?? "", by: actor)
        case .close:
            if case .failure(let refusal) = try await req.store.closeThroughRelay(relay, by: actor) {
                throw Problem(.conflict, title: "Clôture impossible", detail: refusal.message)
            }
            await req.guichet.mailQueued()
        case .reference:
            break
        }
        let (after, detail) = try await relayed(req, commune: commune)
        return try APIJSON.response(dto(after, detail, req))
    }

    private func replayed(_ receipt: Store.Receipt) -> Response {
        var headers = HTTPHeaders()
        headers.contentType = (200..<300).contains(receipt.status) ? .json : HTTPMediaType(type: "application", subType: "problem+json")
        headers.add(name: "Idempotent-Replayed", value: "true")
        return Response(status: HTTPStatus(statusCode: receipt.status), headers: headers, body: .init(string: receipt.response))
    }

    private func commune(_ req: Request) async throws -> String {
        guard let token = req.headers.bearerAuthorization?.token, let commune = try await req.store.connectorCommune(token: token) else {
            throw Problem(.unauthorized, title: "Authentification requise",
                          detail: "Fournissez le jeton du connecteur de la commune (Authorization: Bearer …).")
        }
        return commune
    }

    private func relayed(_ req: Request, commune: String) async throws -> (StoredRelay, DemandeDetail) {
        guard let found = try await req.store.connectorDemande(number: req.parameters.get("number") ?? "", commune: commune) else {
            throw Problem(.notFound, title: "Demande introuvable", detail: "Aucune demande relayée à votre commune ne porte ce numéro.")
        }
        return found
    }

    private func dto(_ relay: StoredRelay, _ detail: DemandeDetail, _ req: Request) -> DemandeDTO {
        let name = detail.events.first?.actorName ?? "Usager"
        let workflow = detail.demarche.definition.workflow
        return DemandeDTO(number: detail.number, status: detail.status, statusLabel: workflow.status(detail.status)?.label ?? detail.status,
                          reference: relay.reference, acknowledged: relay.acknowledgedAt != nil, closed: relay.closedAt != nil,
                          request: Filing.connectorRequest(definition: detail.demarche.definition, values: detail.data, number: detail.number,
                                                           submittedAt: detail.submittedAt, citizen: (name, detail.email),
                                                           category: detail.routing?.category, commune: relay.commune, baseURL: req.guichet.baseURL))
    }
}
