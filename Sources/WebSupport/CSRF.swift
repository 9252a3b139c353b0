import Identity
import Vapor

/// The forms' anti-forgery token (`FormTokens`): the HMAC of a nonce the browser keeps in the `guichet_csrf`
/// cookie (HttpOnly, SameSite=Lax, Secure behind https, for the browser's session). The nonce is made on the first
/// page that needs a token and set on its response by `CSRFCookieMiddleware`; no session is opened for it.
public enum CSRF {
    public static let fieldName = "_csrf"
    static let cookieName = "guichet_csrf"

    /// The token for this browser's forms, making its nonce if it has none yet.
    public static func token(_ req: Request) -> String {
        if let nonce = nonce(req) { return req.guichet.formTokens.token(for: nonce) }
        let fresh = Secret.token()
        req.storage[MintedNonceKey.self] = fresh
        return req.guichet.formTokens.token(for: fresh)
    }

    /// Whether a posted token is the one this browser's forms carry.
    static func accepts(_ token: String, from req: Request) -> Bool {
        guard !token.isEmpty, let nonce = nonce(req) else { return false }
        return req.guichet.formTokens.matches(token, nonce: nonce)
    }

    /// The browser's nonce: this request's cookie, or the one made for its response. A value that is not one of
    /// ours counts as none.
    static func nonce(_ req: Request) -> String? {
        if let minted = req.storage[MintedNonceKey.self] { return minted }
        guard let value = req.cookies[cookieName]?.string, Secret.isToken(value) else { return nil }
        return value
    }
}

struct MintedNonceKey: StorageKey { typealias Value = String }

/// Sets the cookie of a nonce made while answering (`CSRF.token`).
public struct CSRFCookieMiddleware: AsyncMiddleware {
    let secure: Bool

    /// - Parameter secure: the cookie goes over https only (the base URL is https).
    public init(secure: Bool) { self.secure = secure }

    public func respond(to req: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        let response = try await next.respond(to: req)
        if let nonce = req.storage[MintedNonceKey.self] {
            response.cookies[CSRF.cookieName] = HTTPCookies.Value(string: nonce, path: "/", isSecure: secure, isHTTPOnly: true, sameSite: .lax)
        }
        return response
    }
}
