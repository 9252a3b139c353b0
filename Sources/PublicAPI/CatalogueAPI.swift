import Demarches
import Foundation
import Storage
import Territory
import Vapor
import WebSupport

/// The public side: collectivités, démarches, filing, and following one's request.
struct CatalogueAPI {
    struct CollectiviteDTO: Encodable {
        var slug: String; var insee: String?; var name: String; var kind: String; var membership: String
        var hasInstance: Bool; var population: Int?; var populationYear: Int?
    }

    func collectivites(req: Request) async throws -> Response {
        try APIJSON.response(try await req.store.collectivites().map {
            CollectiviteDTO(slug: $0.slug, insee: $0.insee, name: $0.name, kind: $0.kind.rawValue, membership: $0.membership.rawValue,
                            hasInstance: $0.hasInstance, population: $0.latestPopulation?.population, populationYear: $0.latestPopulation?.year)
        })
    }

    struct DemarcheDTO: Encodable { var slug: String; var title: String; var summary: String; var version: Int }

    func demarches(req: Request) async throws -> Response {
        let scope = try await scope(req)
        var items: [DemarcheDTO] = []
        for (summary, d) in try await req.store.currentDemarches(in: scope) {
            items.append(DemarcheDTO(slug: summary.slug, title: summary.title, summary: d.definition.summary, version: d.version))
        }
        return try APIJSON.response(items)
    }

    /// The definition as authored (form and workflow), enough for a client to render and validate the form.
    func demarche(req: Request) async throws -> Response {
        let d = try await demarche(req, try await scope(req))
        let body = try JSONEncoder().encode(d.definition)
        var json = try JSONSerialization.jsonObject(with: body) as! [String: Any]
        json["version"] = d.version
        var headers = HTTPHeaders()
        headers.contentType = .json
        return Response(status: .ok, headers: headers, body: .init(data: try JSONSerialization.data(withJSONObject: json, options: [.sortedKeys, .withoutEscapingSlashes])))
    }

    struct FiledDTO: Encodable { var number: String; var trackingCode: String; var status: String; var submittedAt: Date; var url: String }

    func submit(req: Request) async throws -> Response {
        let scope = try await scope(req)
        let demarche = try await demarche(req, scope)
        let raw = try JSONSubmission.raw(from: req)
        // The portal's session, or the mobile app's GrandLyon Connect token: the request joins that account.
        var account = try await req.account()
        if account == nil { account = try await req.connectAccount() }
        var key: String?
        if let header = req.headers.first(name: "Idempotency-Key") {
            key = Filing.submissionKey(idempotencyKey: header, account: account)
            guard key != nil else {
                throw Problem(.badRequest, title: "En-tête Idempotency-Key invalide",
                              detail: "La clé doit compter de 16 à 128 caractères ASCII visibles (un UUID convient).")
            }
        }
        switch try await Filing(req.guichet).submit(raw, demarche: demarche, in: scope, account: account, key: key) {
        case .invalid(let outcome):
            throw Problem(.unprocessableEntity, title: "Demande invalide", detail: "Certains champs sont à corriger.", errors: outcome.errors,
                          type: "https://guichet.example/problemes/demande-invalide")
        case .refused(.accountRequired):
            throw Problem(.unauthorized, title: "Compte requis", detail: "Cette démarche n'accepte qu'une demande par personne : déposez-la connecté à votre compte.")
        case .refused(.alreadyFiled(let number)):
            throw Problem(.conflict, title: "Demande déjà déposée", detail: "Cette démarche n'accepte qu'une demande par personne ; la vôtre porte le numéro \(number).")
        case .resent(let number):
            // The tracking code is shown once, to the first answer; a retry learns the number and where it lives.
            let response = Problem(.conflict, title: "Demande déjà déposée par cette requête",
                                   detail: "Une demande a déjà été déposée avec cette clé Idempotency-Key : la demande \(number). Le code de suivi a été donné dans la première réponse.").response()
            response.headers.replaceOrAdd(name: .location, value: "/api/v1/demandes/\(number)")
            return response
        case .filed(let filed):
            let response = try APIJSON.response(FiledDTO(number: filed.number, trackingCode: filed.trackingCode, status: filed.status,
                                                         submittedAt: filed.submittedAt, url: "/api/v1/demandes/\(filed.number)"), status: .created)
            response.headers.replaceOrAdd(name: .location, value: "/api/v1/demandes/\(filed.number)")
            return response
        }
    }

    /// For its owner: the tracking code in the `X-Tracking-Code` header (never in the URL, which logs and
    /// histories keep), or the signed-in session.
    func follow(req: Request) async throws -> Response {
        let number = req.parameters.get("number") ?? ""
        if req.url.query?.split(separator: "&").contains(where: { $0.hasPrefix("code=") }) == true {
            throw Problem(.badRequest, title: "Code de suivi dans l'adresse",
                          detail: "Le code de suivi se transmet dans l'en-tête X-Tracking-Code, pas dans l'adresse.")
        }
        switch try await req.demandeByTrackingCode(number: number, code: req.headers.first(name: "X-Tracking-Code"), accountID: try await req.account()?.id) {
        case .found(let detail):
            return try APIJSON.response(DemandeDTO(detail, includeData: true))
        case .notFound:
            throw Problem(.notFound, title: "Demande introuvable", detail: "Aucune demande ne correspond à ce numéro et à ce code de suivi.")
        case .tooManyAttempts:
            let response = Problem(.tooManyRequests, title: "Trop de tentatives", detail: TrackingCodeWording.tooManyAttempts).response()
            response.headers.replaceOrAdd(name: "Retry-After", value: TrackingCodeWording.retryAfterSeconds)
            return response
        }
    }

    private func scope(_ req: Request) async throws -> TenantScope {
        guard let scope = try await req.store.citizenScope(slug: req.parameters.get("slug") ?? "") else {
            throw Problem(.notFound, title: "Collectivité introuvable", detail: "Cette collectivité n'existe pas ou ne propose pas de démarches en ligne.")
        }
        return scope
    }

    private func demarche(_ req: Request, _ scope: TenantScope) async throws -> VersionedDemarche {
        guard let d = try await req.store.currentDemarche(slug: req.parameters.get("demarche") ?? "", in: scope) else {
            throw Problem(.notFound, title: "Démarche introuvable")
        }
        return d
    }
}

/// A request as the API shows it.
struct DemandeDTO: Encodable {
    struct Event: Encodable { var at: Date; var kind: String; var status: String?; var statusLabel: String?; var message: String? }
    var number: String
    var demarche: String
    var demarcheVersion: Int
    var status: String
    var statusLabel: String
    var isClosed: Bool
    var email: String
    var submittedAt: Date
    var updatedAt: Date
    var data: [String: FieldValue]?
    var history: [Event]

    init(_ d: DemandeDetail, includeData: Bool) {
        let workflow = d.demarche.definition.workflow
        number = d.number; demarche = d.demarcheSlug; demarcheVersion = d.demarche.version; status = d.status
        statusLabel = workflow.status(d.status)?.label ?? d.status
        isClosed = workflow.status(d.status)?.isEnd ?? false
        email = d.email; submittedAt = d.submittedAt; updatedAt = d.updatedAt
        data = includeData ? d.data : nil
        history = d.events.map { Event(at: $0.date, kind: $0.kind, status: $0.toStatus, statusLabel: $0.toStatus.flatMap { workflow.status($0)?.label },
                                       message: $0.body) }
    }
}
