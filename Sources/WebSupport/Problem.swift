import Storage
import Vapor

/// RFC 7807 problem details, the error body of every API response, with per-field messages where relevant.
public struct Problem: Content, Error {
    public var type: String
    public var title: String
    public var status: Int
    public var detail: String?
    public var errors: [String: String]?

    public init(_ status: HTTPStatus, title: String, detail: String? = nil, errors: [String: String]? = nil, type: String = "about:blank") {
        self.type = type; self.title = title; self.status = Int(status.code); self.detail = detail; self.errors = errors
    }

    public func response() -> Response {
        var headers = HTTPHeaders()
        headers.replaceOrAdd(name: .contentType, value: "application/problem+json; charset=utf-8")
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let body = (try? encoder.encode(self)) ?? Data()
        return Response(status: HTTPStatus(statusCode: status), headers: headers, body: .init(data: body))
    }
}

/// Turns any error raised under /api into a problem+json response (through `SiteErrorMiddleware`).
struct ProblemMiddleware: AsyncMiddleware {
    public func respond(to req: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        do { return try await next.respond(to: req) }
        catch let problem as Problem { return problem.response() }
        catch let refusal as StoreError {
            return Problem(refusal.httpStatus, title: refusal.httpStatus.reasonPhrase).response()
        }
        catch let abort as any AbortError {
            return Problem(abort.status, title: abort.status.reasonPhrase, detail: abort.reason).response()
        } catch {
            req.logger.report(error: error)
            return Problem(.internalServerError, title: "Erreur interne", detail: "Une erreur inattendue est survenue.").response()
        }
    }
}
