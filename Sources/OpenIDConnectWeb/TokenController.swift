import Foundation
import Identity
import OpenIDConnect
import Storage
import Vapor
import WebSupport

/// The endpoints applications call server to server: token (RFC 6749 §3.2: authorization_code, refresh_token),
/// revocation (RFC 7009), introspection (RFC 7662). Each first authenticates the application.
struct TokenController {
    func token(req: Request) async throws -> Response {
        try await authenticated(req) { client, form in try await token(req, client, form) }
    }

    private func token(_ req: Request, _ client: StoredRelyingParty, _ form: [String: String]) async throws -> Response {
        let outcome: Redemption
        switch form["grant_type"] {
        case "authorization_code":
            guard let code = form["code"], Secret.isToken(code) else { return OAuthResponse.error(.invalidGrant("unknown code")) }
            outcome = try await req.store.redeemCode(code, clientID: client.registration.id, redirectURI: form["redirect_uri"], verifier: form["code_verifier"])
        case "refresh_token":
            guard let token = form["refresh_token"], Secret.isToken(token) else { return OAuthResponse.error(.invalidGrant("unknown refresh token")) }
            outcome = try await req.store.redeemRefreshToken(token, clientID: client.registration.id)
        case nil: return OAuthResponse.error(.invalidRequest("grant_type is required"))
        default: return OAuthResponse.error(OAuthError("unsupported_grant_type", "supported: authorization_code, refresh_token"))
        }
        switch outcome {
        case .invalid(let why): return OAuthResponse.error(.invalidGrant(why))
        case .reused: return OAuthResponse.error(.invalidGrant("already used: the grant and its tokens are revoked"))
        case .issued(let grant, let refreshToken):
            // A commune that stops the shared service closes its people's sessions at the application that day.
            if form["grant_type"] == "refresh_token", let service = client.registration.service,
               !(try await req.store.serviceAccess(accountID: grant.accountID, service: service)).isOpen {
                try await req.store.revokeGrant(id: grant.id)
                return OAuthResponse.error(.invalidGrant("the account's commune does not subscribe to \(service) today"))
            }
            var issued = grant
            if form["grant_type"] == "refresh_token", let asked = form["scope"] {
                guard let narrowed = grant.narrowed(to: asked) else { return OAuthResponse.error(.invalidScope("scope wider than the grant's")) }
                issued = narrowed
            }
            let scopes = issued.scopes
            guard let person = try await req.store.person(accountID: grant.accountID) else {
                try await req.store.revokeGrant(id: grant.id)
                return OAuthResponse.error(.invalidGrant("the account no longer exists"))
            }
            let issuer = TokenIssuer(issuer: req.guichet.baseURL), ring = try await req.store.keyRing(), now = req.store.clock()
            let accessToken = try await ring.sign(issuer.accessToken(for: issued, now: now), with: .es256, type: TokenIssuer.accessTokenType)
            let claims = Scope.claims(of: person, subject: grant.subject, scopes: Set(scopes))
            let idToken = try await ring.sign(issuer.idToken(for: issued, accessToken: accessToken, claims: claims, now: now),
                                              with: client.registration.idTokenAlgorithm)
            return OAuthResponse.json([
                "access_token": .string(accessToken), "token_type": .string("Bearer"), "expires_in": .int(Int64(TokenIssuer.accessTokenLifetime)),
                "refresh_token": .string(refreshToken), "id_token": .string(idToken), "scope": .string(scopes.joined(separator: " ")),
            ])
        }
    }

    /// RFC 7009: the token's grant ends (its access and refresh tokens with it). Answers 200 whatever the token
    /// was, so nobody learns which tokens exist; a token of another application is left alone.
    func revoke(req: Request) async throws -> Response {
        try await authenticated(req) { client, form in
            guard let token = form["token"] else { return OAuthResponse.error(.invalidRequest("token is required")) }
            if let grant = try await grant(of: token, req: req), grant.clientID == client.registration.id {
                try await req.store.revokeGrant(id: grant.id)
            }
            return OAuthResponse.json([:])
        }
    }

    /// RFC 7662, for confidential applications about their own tokens.
    func introspect(req: Request) async throws -> Response {
        try await authenticated(req) { client, form in try await introspect(req, client, form) }
    }

    private func introspect(_ req: Request, _ client: StoredRelyingParty, _ form: [String: String]) async throws -> Response {
        guard client.registration.kind == .confidential else {
            return OAuthResponse.error(.invalidClient("public clients cannot introspect"), status: .unauthorized)
        }
        guard let token = form["token"] else { return OAuthResponse.error(.invalidRequest("token is required")) }
        let issuer = TokenIssuer(issuer: req.guichet.baseURL)
        if let (access, _) = try await req.store.accessToken(token, issuer: issuer.issuer), access.clientID == client.registration.id {
            return OAuthResponse.json([
                "active": .bool(true), "scope": .string(access.scopes.joined(separator: " ")), "client_id": .string(access.clientID),
                "sub": .string(access.subject), "exp": .int(Int64(access.expiresAt.timeIntervalSince1970)),
                "iat": .int(Int64(access.issuedAt.timeIntervalSince1970)), "iss": .string(issuer.issuer), "aud": .string(issuer.issuer),
                "token_type": .string("Bearer"),
            ])
        }
        if Secret.isToken(token), let grant = try await req.store.grant(ofRefreshToken: token), grant.clientID == client.registration.id {
            return OAuthResponse.json([
                "active": .bool(true), "scope": .string(grant.scopes.joined(separator: " ")), "client_id": .string(grant.clientID),
                "sub": .string(grant.subject), "iss": .string(issuer.issuer), "token_type": .string("refresh_token"),
            ])
        }
        return OAuthResponse.json(["active": .bool(false)])
    }

    /// The grant behind an access token (verified, unexpired) or a refresh token.
    private func grant(of token: String, req: Request) async throws -> TokenIssuer.Grant? {
        if Secret.isToken(token) { return try await req.store.grant(ofRefreshToken: token) }
        return try await req.store.accessToken(token, issuer: req.guichet.baseURL)?.grant
    }

    /// Runs `body` for the authenticated application, with the request's form; answers the error otherwise.
    private func authenticated(_ req: Request, _ body: (StoredRelyingParty, [String: String]) async throws -> Response) async throws -> Response {
        guard let form = OAuthResponse.form(req) else { return OAuthResponse.error(.invalidRequest("the body must be form-encoded, each parameter once")) }
        switch try await authenticate(req, form) {
        case .refused(let response): return response
        case .client(let client): return try await body(client, form)
        }
    }

    enum Authentication { case client(StoredRelyingParty), refused(Response) }

    /// The application calling, authenticated; or the 401 to send (RFC 6749 §5.2: `invalid_client`).
    private func authenticate(_ req: Request, _ form: [String: String]) async throws -> Authentication {
        let basic = req.headers.first(name: .authorization)
        switch ClientCredentials.read(authorization: basic, form: form) {
        case .failure(let error):
            return .refused(OAuthResponse.error(error, status: error.code == "invalid_client" ? .unauthorized : .badRequest, basicChallenge: basic != nil))
        case .success(let credentials):
            guard let client = try await req.store.relyingParty(id: credentials.clientID),
                  credentials.authenticate(client.registration, secretHash: client.secretHash, hash: Secret.hash) else {
                return .refused(OAuthResponse.error(.invalidClient("unknown client or wrong credentials"), status: .unauthorized, basicChallenge: basic != nil))
            }
            return .client(client)
        }
    }
}
