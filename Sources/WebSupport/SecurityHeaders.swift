import Vapor

/// Headers every response carries, and the request id echoed back so a person can quote it to support.
public struct SecurityHeadersMiddleware: AsyncMiddleware {
    public init() {}
    public func respond(to req: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        let response = try await next.respond(to: req)
        let h = response.headers
        response.headers.replaceOrAdd(name: "X-Request-Id", value: req.id)
        if !h.contains(name: "Content-Security-Policy") {
            response.headers.replaceOrAdd(name: "Content-Security-Policy",
                                          value: "default-src 'self'; img-src 'self' data: \(Leaflet.tiles); frame-ancestors 'none'; form-action 'self'")
        }
        response.headers.replaceOrAdd(name: "X-Content-Type-Options", value: "nosniff")
        response.headers.replaceOrAdd(name: "Referrer-Policy", value: "same-origin")
        response.headers.replaceOrAdd(name: "X-Frame-Options", value: "DENY")
        return response
    }
}
