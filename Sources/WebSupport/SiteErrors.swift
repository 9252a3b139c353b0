import Vapor

/// What answers an address no route takes, and any error a part's own middleware did not turn into a page: the
/// site's French error page (in its layout) for people, an RFC 7807 problem for the API.
public struct SiteErrorMiddleware: AsyncMiddleware {
    public init() {}

    public func respond(to req: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        if req.url.path == "/api" || req.url.path.hasPrefix("/api/") {
            return try await ProblemMiddleware().respond(to: req, chainingTo: next)
        }
        return try await HTMLErrorMiddleware().respond(to: req, chainingTo: next)
    }
}
