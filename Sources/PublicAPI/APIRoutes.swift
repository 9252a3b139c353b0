import Foundation
import Vapor
import WebSupport

/// The JSON API (/api/v1), described by openapi.json. Errors are RFC 7807 problem documents.
public enum APIRoutes: WebPart {
    public static let resources: Bundle? = nil

    public static func register(_ routes: any RoutesBuilder) {
        routes.get("api", "openapi.json", use: openAPI)
        let api = routes.grouped("api", "v1")  // errors: problem+json (`SiteErrorMiddleware`)
        let catalogue = CatalogueAPI()
        api.get("collectivites", use: catalogue.collectivites)
        api.get("collectivites", ":slug", "demarches", use: catalogue.demarches)
        api.get("collectivites", ":slug", "demarches", ":demarche", use: catalogue.demarche)
        api.post("collectivites", ":slug", "demarches", ":demarche", "demandes", use: catalogue.submit)
        api.get("demandes", ":number", use: catalogue.follow)
        let citizen = CitizenAPI()
        api.get("moi", use: citizen.me)
        api.get("moi", "demandes", use: citizen.demandes)
        let agent = AgentAPI()
        api.get("agent", "demandes", use: agent.list)
        api.get("agent", "demandes", ":number", use: agent.show)
        api.post("agent", "demandes", ":number", "transitions", use: agent.transition)
        let connector = ConnectorAPI()
        api.get("connecteur", "demandes", ":number", use: connector.show)
        api.get("connecteur", "demandes", ":number", "fichiers", ":file", use: connector.file)
        api.post("connecteur", "demandes", ":number", "evenements", use: connector.post)
    }

    static func openAPI(req: Request) async throws -> Response {
        guard let url = Bundle.module.url(forResource: "openapi", withExtension: "json") else { throw Abort(.notFound) }
        var headers = HTTPHeaders()
        headers.contentType = .json
        return Response(status: .ok, headers: headers, body: .init(data: try Data(contentsOf: url)))
    }
}

/// snake_case keys and ISO 8601 dates, the same for every API response.
enum APIJSON {
    static let encoder: JSONEncoder = {
        let e = JSONEncoder()
        e.keyEncodingStrategy = .convertToSnakeCase
        e.dateEncodingStrategy = .iso8601
        e.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return e
    }()

    static func response<T: Encodable>(_ value: T, status: HTTPStatus = .ok) throws -> Response {
        var headers = HTTPHeaders()
        headers.contentType = .json
        return Response(status: status, headers: headers, body: .init(data: try encoder.encode(value)))
    }
}
