import Vapor

/// Every error of every route, and an address no route takes, becomes the site's French error page (in its
/// layout) for people, an RFC 7807 problem for the API: one place, so no part can forget it.
public struct SiteErrorMiddleware: AsyncMiddleware {
    public init() {}

    public func respond(to req: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        if req.url.path == "/api" || req.url.path.hasPrefix("/api/") {
            return try await ProblemMiddleware().respond(to: req, chainingTo: next)
        }
        return try await HTMLErrorMiddleware().respond(to: req, chainingTo: next)
    }
}
