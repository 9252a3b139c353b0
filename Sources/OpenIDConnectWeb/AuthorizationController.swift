import Foundation
import OpenIDConnect
import Storage
import Vapor
import WebSupport

/// The authorization endpoint: an application sends the browser here; the person signs in (the portal's own
/// sign-in page), consents once per application, and goes back with a code. The request waits in the session
/// while they sign in, so nothing of it travels through the sign-in page's address.
struct AuthorizationController {
    /// A request being answered: what was asked, and when (a sign-in after that satisfies `prompt=login`).
    struct Pending: Codable {
        var request: AuthorizationRequest
        var startedAt: Date
    }
    static let pendingKey = "oidc_request"

    struct ConsentPage {
        var layout: Layout
        var application: String
        var shares: [String]
        var email: String
    }

    func authorize(req: Request) async throws -> Response {
        let parameters = (try? req.query.decode([String: String].self)) ?? [:]
        let client = try await parameters["client_id"].asyncMap { try await req.store.relyingParty(id: $0) } ?? nil
        switch AuthorizationRequest.parse(parameters, client: client?.registration) {
        case .failure(.shown(let message)):
            return req.guichet.renderer.messagePage(try await Layout.make(req, title: "Connexion impossible"), heading: "Connexion impossible",
                                                    message: message, status: .badRequest)
        case .failure(.returned(let error, let uri, let state)):
            return answer(req, uri: uri, state: state, error: error)
        case .success(let request):
            let pending = Pending(request: request, startedAt: req.store.clock())
            req.session.data[Self.pendingKey] = String(decoding: try JSONEncoder().encode(pending), as: UTF8.self)
            req.allowSessionFormRedirect(to: request.redirectURI)
            return try await proceed(req, pending)
        }
    }

    /// Back from the sign-in page.
    func resume(req: Request) async throws -> Response {
        guard let pending = pending(req) else { return try await expired(req) }
        return try await proceed(req, pending)
    }

    func consent(req: Request) async throws -> Response {
        guard let pending = pending(req) else { return try await expired(req) }
        guard let session = try await req.signInSession() else { return try await proceed(req, pending) }
        let request = pending.request
        guard req.form.value("decision") == "autoriser" else {
            clear(req)
            return answer(req, uri: request.redirectURI, state: request.state, error: .accessDenied)
        }
        try await req.store.recordConsent(accountID: session.account.id, clientID: request.clientID, scopes: request.scopes)
        return try await issue(req, request, session: session)
    }

    private func proceed(_ req: Request, _ pending: Pending) async throws -> Response {
        let request = pending.request
        let session = try await req.signInSession()
        let consented = try await session.asyncMap { try await req.store.consentedScopes(accountID: $0.account.id, clientID: request.clientID) } ?? []
        let step = AuthorizationStep.next(request, authTime: session?.authTime, startedAt: pending.startedAt, consented: consented, now: req.store.clock())
        // An application of a shared service signs in only the people of the communes subscribing to it, today.
        if let session, step.reachesThePerson, let client = try await req.store.relyingParty(id: request.clientID),
           let service = client.registration.service {
            let access = try await req.store.serviceAccess(accountID: session.account.id, service: service)
            if !access.isOpen {
                clear(req)
                if request.prompts.contains(.none) { return answer(req, uri: request.redirectURI, state: request.state, error: .accessDenied) }
                return try await ServiceRefusal.page(req, access, application: client.registration.name, service: service)
            }
        }
        switch step {
        case .signIn:
            var location = "/compte/connexion?retour=%2Foidc%2Freprendre"
            if let hint = request.loginHint, let encoded = hint.addingPercentEncoding(withAllowedCharacters: .alphanumerics) { location += "&courriel=" + encoded }
            if session != nil { req.flash("Pour continuer vers l'application, saisissez de nouveau votre mot de passe.") }
            return req.redirect(to: location, redirectType: .normal)
        case .consent:
            guard let session, let client = try await req.store.relyingParty(id: request.clientID) else { return try await expired(req) }
            let page = ConsentPage(layout: try await Layout.make(req, title: "Autoriser « \(client.registration.name) »"),
                                   application: client.registration.name, shares: request.scopes.compactMap(Scope.description),
                                   email: session.account.email)
            return req.guichet.renderer.html("oidc/consent", page)
        case .issue:
            guard let session else { return try await expired(req) }
            return try await issue(req, request, session: session)
        case .fail(let error):
            clear(req)
            return answer(req, uri: request.redirectURI, state: request.state, error: error)
        }
    }

    /// A code for the application, back on its redirect URI with the `state` it sent and our `iss` (RFC 9207).
    private func issue(_ req: Request, _ request: AuthorizationRequest, session: (account: Account, authTime: Date, sid: String)) async throws -> Response {
        clear(req)
        guard let client = try await req.store.relyingParty(id: request.clientID),
              let person = try await req.store.person(accountID: session.account.id) else { return try await expired(req) }
        let grant = TokenIssuer.Grant(id: UUID().uuidString.lowercased(), clientID: client.registration.id, accountID: person.accountID,
                                      subject: req.store.subject(accountID: person.accountID, for: client.registration), scopes: request.scopes,
                                      authTime: session.authTime, nonce: request.nonce, acr: request.acr(identityLevel: person.identityLevel),
                                      sessionID: session.sid,
                                      methods: (req.franceConnectIDToken != nil ? SignInProof.franceConnect : req.secondFactorDone ? .passwordAndCode : .password).methods)
        let code = try await req.store.issueCode(grant, redirectURI: request.redirectURI, codeChallenge: request.codeChallenge)
        return OAuthResponse.redirect(to: request.redirectURI, [("code", code), ("state", request.state), ("iss", req.guichet.baseURL)])
    }

    private func answer(_ req: Request, uri: String, state: String?, error: OAuthError) -> Response {
        OAuthResponse.redirect(to: uri, [("error", error.code), ("error_description", error.description), ("state", state),
                                         ("iss", req.guichet.baseURL)])
    }

    private func pending(_ req: Request) -> Pending? {
        guard req.hasSession, let text = req.session.data[Self.pendingKey] else { return nil }
        return try? JSONDecoder().decode(Pending.self, from: Data(text.utf8))
    }

    /// The request is answered: its pages' forms no longer go to the application.
    private func clear(_ req: Request) {
        guard req.hasSession else { return }
        req.session.data[Self.pendingKey] = nil
        req.clearSessionFormRedirect()
    }

    private func expired(_ req: Request) async throws -> Response {
        req.guichet.renderer.messagePage(try await Layout.make(req, title: "Connexion interrompue"), heading: "Connexion interrompue",
            message: "Cette demande de connexion n'est plus en cours. Retournez sur l'application et recommencez.", status: .badRequest)
    }
}

extension Optional {
    func asyncMap<T>(_ transform: (Wrapped) async throws -> T) async rethrows -> T? {
        guard let self else { return nil }
        return try await transform(self)
    }
}
