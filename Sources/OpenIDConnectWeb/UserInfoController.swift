import Foundation
import OpenIDConnect
import Storage
import Vapor
import WebSupport

/// The userinfo endpoint (OpenID Connect Core §5.3), GET or POST, the access token in the `Authorization`
/// header or, for POST, the form's `access_token` (RFC 6750 §2.2).
struct UserInfoController {
    func userinfo(req: Request) async throws -> Response {
        var token: String?
        if let header = req.headers.first(name: .authorization), header.lowercased().hasPrefix("bearer ") {
            token = String(header.dropFirst(7)).trimmingCharacters(in: .whitespaces)
        } else if req.method == .POST, let form = OAuthResponse.form(req) {
            token = form["access_token"]
        }
        guard let token else { return refuse(nil) }
        guard let (access, grant) = try await req.store.accessToken(token, issuer: req.guichet.baseURL), access.scopes.contains("openid"),
              let person = try await req.store.person(accountID: grant.accountID) else { return refuse("invalid_token") }
        return OAuthResponse.json(Scope.claims(of: person, subject: grant.subject, scopes: Set(access.scopes)))
    }

    private func refuse(_ error: String?) -> Response {
        let response = OAuthResponse.json(error.map { ["error": .string($0)] } ?? [:], status: .unauthorized)
        response.headers.replaceOrAdd(name: .wwwAuthenticate, value: "Bearer realm=\"GrandLyon Connect\"" + (error.map { ", error=\"\($0)\"" } ?? ""))
        return response
    }
}
