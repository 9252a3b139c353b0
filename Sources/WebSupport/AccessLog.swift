import Vapor

/// One line per request, as Vapor's `RouteLoggingMiddleware` wrote, but once it is answered: its method, its path
/// and its status. A path parameter named `secret` (a draft's resume link, e-mailed to its owner alone) is
/// written `…`: whoever reads the logs must not be able to open someone's draft. Queries are never logged.
public struct AccessLog: AsyncMiddleware {
    /// The route parameters that are secrets: a part names such a parameter `:secret`.
    static let secretParameters: Set<String> = ["secret"]
    let level: Logger.Level

    public init(level: Logger.Level = .info) { self.level = level }

    public func respond(to req: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        do {
            let response = try await next.respond(to: req)
            req.logger.log(level: level, "\(req.method) \(Self.masked(req.url.path, route: req.route?.path)) \(response.status.code)")
            return response
        } catch {
            req.logger.log(level: level, "\(req.method) \(Self.masked(req.url.path, route: req.route?.path)) failed")
            throw error
        }
    }

    /// The path as sent, percent-decoded, with the segments that match a secret parameter of its route masked.
    static func masked(_ path: String, route: [PathComponent]?) -> String {
        let decoded = path.removingPercentEncoding ?? path
        guard let route, route.contains(where: { if case .parameter(let name) = $0 { secretParameters.contains(name) } else { false } })
        else { return decoded }
        var segments = decoded.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
        for (i, component) in route.enumerated() where i < segments.count {
            if case .parameter(let name) = component, secretParameters.contains(name) { segments[i] = "…" }
        }
        return "/" + segments.joined(separator: "/")
    }
}
