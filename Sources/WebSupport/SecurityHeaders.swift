import Vapor

/// Headers every response carries, and the request id echoed back so a person can quote it to support.
public struct SecurityHeadersMiddleware: AsyncMiddleware {
    public init() {}
    public func respond(to req: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        let response = try await next.respond(to: req)
        let h = response.headers
        response.headers.replaceOrAdd(name: "X-Request-Id", value: req.id)
        if !h.contains(name: "Content-Security-Policy") {
            let targets = (["'self'"] + req.formRedirectTargets).joined(separator: " ")
            response.headers.replaceOrAdd(name: "Content-Security-Policy",
                                          value: "default-src 'self'; img-src 'self' data: \(Leaflet.tiles); frame-ancestors 'none'; form-action \(targets)")
        }
        response.headers.replaceOrAdd(name: "X-Content-Type-Options", value: "nosniff")
        // A page whose address holds a secret (a relay link) sends no referrer at all, and says so itself.
        if !h.contains(name: "Referrer-Policy") { response.headers.replaceOrAdd(name: "Referrer-Policy", value: "same-origin") }
        response.headers.replaceOrAdd(name: "X-Frame-Options", value: "DENY")
        return response
    }
}

/// Browsers hold a form to its page's `form-action` through every redirect that follows its submission: a sign-in
/// or consent form whose answer goes back to an application must name that application's origin there. The
/// identity provider names it for the page (`allowFormRedirect(to:)`), or for the session while an authorization
/// request waits (the sign-in page, which knows nothing of applications, then allows it too).
extension Request {
    static let formRedirectSessionKey = "form_redirect"

    /// Lets this page's forms end on `uri`'s origin.
    public func allowFormRedirect(to uri: String) {
        if let origin = Self.cspOrigin(uri) { storage[FormRedirectKey.self] = (storage[FormRedirectKey.self] ?? []) + [origin] }
    }

    /// Lets every page of this session's forms end on `uri`'s origin, until `clearSessionFormRedirect()`.
    public func allowSessionFormRedirect(to uri: String) { session.data[Self.formRedirectSessionKey] = Self.cspOrigin(uri) }

    public func clearSessionFormRedirect() { if hasSession { session.data[Self.formRedirectSessionKey] = nil } }

    var formRedirectTargets: [String] {
        var targets = (storage[FormRedirectKey.self] ?? []) + (hasSession ? session.data[Self.formRedirectSessionKey].map { [$0] } ?? [] : [])
        // Signed in through FranceConnect: « Se déconnecter » ends at its session end.
        if franceConnectIDToken != nil, let issuer = guichet.franceConnect?.settings.issuer, let origin = Self.cspOrigin(issuer) { targets.append(origin) }
        return targets
    }

    /// The CSP source for a URI: `https://host:port` for web addresses, `scheme:` for an app's own scheme; nil for
    /// anything with a character a header must not carry.
    static func cspOrigin(_ uri: String) -> String? {
        guard let url = URLComponents(string: uri), let scheme = url.scheme?.lowercased() else { return nil }
        let origin: String
        if scheme == "http" || scheme == "https" {
            guard let host = url.host, !host.isEmpty else { return nil }
            origin = scheme + "://" + host + (url.port.map { ":\($0)" } ?? "")
        } else {
            origin = scheme + ":"
        }
        return origin.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || ".:/-[]".contains($0)) }) ? origin : nil
    }
}

struct FormRedirectKey: StorageKey { typealias Value = [String] }
