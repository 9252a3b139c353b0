import Codecs
import Foundation
import OpenIDConnect
import Vapor

/// JSON answers of the endpoints applications call: never cached (they carry tokens), errors as RFC 6749 §5.2
/// bodies.
enum OAuthResponse {
    static let encoder: JSONEncoder = {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return e
    }()

    static func json(_ body: [String: ClaimValue], status: HTTPStatus = .ok, cache: String = "no-store") -> Response {
        var headers = HTTPHeaders()
        headers.contentType = .json
        headers.replaceOrAdd(name: .cacheControl, value: cache)
        if cache == "no-store" { headers.replaceOrAdd(name: .pragma, value: "no-cache") }
        let data = (try? encoder.encode(body)) ?? Data("{}".utf8)
        return Response(status: status, headers: headers, body: .init(data: data))
    }

    static func error(_ error: OAuthError, status: HTTPStatus = .badRequest, basicChallenge: Bool = false) -> Response {
        let response = json(["error": .string(error.code), "error_description": .string(error.description)], status: status)
        if basicChallenge { response.headers.replaceOrAdd(name: .wwwAuthenticate, value: "Basic realm=\"GrandLyon Connect\"") }
        return response
    }

    /// A form-encoded body as one value per name; a name sent twice is refused (RFC 6749 §3.1).
    static func form(_ req: Request) -> [String: String]? {
        guard req.headers.contentType == .urlEncodedForm || req.headers.contentType?.subType == "x-www-form-urlencoded" else {
            return req.body.data == nil ? [:] : nil
        }
        guard let body = req.body.string else { return [:] }
        var values: [String: String] = [:]
        for pair in body.split(separator: "&", omittingEmptySubsequences: true) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard let name = decode(parts[0]), let value = decode(parts.count > 1 ? parts[1] : "") else { return nil }
            if values[name] != nil { return nil }
            values[name] = value
        }
        return values
    }

    private static func decode(_ text: Substring) -> String? {
        FormURLEncoding.decode(text)
    }

    /// `uri` with `parameters` added to its query.
    static func redirect(to uri: String, _ parameters: [(String, String?)]) -> Response {
        var allowed = CharacterSet.urlQueryAllowed
        allowed.remove(charactersIn: "&=+;#?/:@")
        let query = parameters.compactMap { name, value in
            value.map { "\(name)=\($0.addingPercentEncoding(withAllowedCharacters: allowed) ?? "")" }
        }.joined(separator: "&")
        let location = uri + (uri.contains("?") ? "&" : "?") + query
        return Response(status: .seeOther, headers: ["Location": location, "Cache-Control": "no-store"])
    }
}
