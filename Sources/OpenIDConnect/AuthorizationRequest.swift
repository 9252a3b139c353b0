import Foundation

/// An authorization request (`/oidc/authorize`), checked. Everything is decided from its parameters and the
/// registered application, before anyone signs in: what cannot be trusted to go back to the application (an
/// unknown application, an unregistered return address) is shown to the person; the rest goes back to it as
/// an `error` on its redirect URI (RFC 6749 §4.1.2.1).
public struct AuthorizationRequest: Sendable, Equatable, Codable {
    public enum Prompt: String, Sendable, Codable { case none, login, consent, selectAccount = "select_account" }

    public var clientID: String
    public var redirectURI: String
    /// The scopes asked that the application may have, in the order asked; always with `openid`.
    public var scopes: [String]
    public var state: String?
    public var nonce: String?
    public var codeChallenge: String?
    public var prompts: Set<Prompt>
    /// Seconds since the person last typed their password beyond which they must type it again.
    public var maxAge: Int?
    public var loginHint: String?
    /// Passed through to the ID token's `acr` when one of them is a level Guichet provides.
    public var acrValues: [String]

    /// Where the request went wrong, and so where the error is told.
    public enum Problem: Error, Sendable, Equatable {
        /// Shown on a page of ours: the return address cannot be trusted (French, for the person).
        case shown(String)
        /// Sent back to the application's redirect URI.
        case returned(OAuthError, redirectURI: String, state: String?)
    }

    static let maxText = 512

    /// Reads and checks the parameters of a request from `client` (nil when `client_id` named none).
    public static func parse(_ parameters: [String: String], client: RelyingParty?) -> Result<AuthorizationRequest, Problem> {
        guard let client else {
            return .failure(.shown("L'application qui vous a envoyé ici n'est pas enregistrée auprès de GrandLyon Connect."))
        }
        guard let redirectURI = parameters["redirect_uri"], client.redirectURIs.contains(redirectURI) else {
            return .failure(.shown("L'application « \(client.name) » a demandé un retour vers une adresse qu'elle n'a pas déclarée. Par sécurité, la connexion s'arrête ici."))
        }
        let state = parameters["state"]
        func fail(_ error: OAuthError) -> Result<AuthorizationRequest, Problem> {
            .failure(.returned(error, redirectURI: redirectURI, state: state.flatMap { $0.count <= maxText ? $0 : nil }))
        }
        if parameters["request"] != nil { return fail(OAuthError("request_not_supported", "request objects are not supported")) }
        if parameters["request_uri"] != nil { return fail(OAuthError("request_uri_not_supported", "request_uri is not supported")) }
        if let (name, _) = parameters.first(where: { $0.key != "redirect_uri" && $0.value.count > maxText }) {
            return fail(.invalidRequest("\(name) is longer than \(maxText) characters"))
        }
        guard parameters["response_type"] == "code" else {
            return fail(OAuthError("unsupported_response_type", "only the authorization code flow (response_type=code) is supported"))
        }
        if let mode = parameters["response_mode"], mode != "query" { return fail(.invalidRequest("only response_mode=query is supported")) }
        let asked = (parameters["scope"] ?? "").split(separator: " ").map(String.init)
        guard asked.contains("openid") else { return fail(.invalidScope("the openid scope is required")) }
        var scopes: [String] = []
        for scope in asked where client.scopes.contains(scope) && !scopes.contains(scope) { scopes.append(scope) }

        var challenge: String?
        if let method = parameters["code_challenge_method"], method != "S256" {
            return fail(.invalidRequest("code_challenge_method must be S256"))
        }
        if let given = parameters["code_challenge"] {
            guard PKCE.isChallenge(given) else { return fail(.invalidRequest("code_challenge must be the base64url SHA-256 of the verifier")) }
            guard parameters["code_challenge_method"] == "S256" else { return fail(.invalidRequest("code_challenge_method=S256 is required")) }
            challenge = given
        } else if client.kind == .public {
            return fail(.invalidRequest("public clients must use PKCE (code_challenge with S256)"))
        }

        var prompts = Set<Prompt>()
        for word in (parameters["prompt"] ?? "").split(separator: " ") {
            guard let prompt = Prompt(rawValue: String(word)) else { return fail(.invalidRequest("unknown prompt value \(word)")) }
            prompts.insert(prompt)
        }
        if prompts.contains(.none) && prompts.count > 1 { return fail(.invalidRequest("prompt=none cannot be combined with other values")) }

        var maxAge: Int?
        if let text = parameters["max_age"] {
            guard let seconds = Int(text), (0...400_000_000).contains(seconds) else { return fail(.invalidRequest("max_age must be a number of seconds")) }
            maxAge = seconds
        }
        return .success(AuthorizationRequest(
            clientID: client.id, redirectURI: redirectURI, scopes: scopes, state: state, nonce: parameters["nonce"],
            codeChallenge: challenge, prompts: prompts, maxAge: maxAge, loginHint: parameters["login_hint"],
            acrValues: (parameters["acr_values"] ?? "").split(separator: " ").map(String.init)))
    }

    /// The `acr` the ID token carries: the first level asked that the account reaches, else the account's own.
    public func acr(identityLevel: String) -> String {
        let reached = identityLevel == "franceconnect" ? [AuthenticationLevel.franceConnect, AuthenticationLevel.local] : [AuthenticationLevel.local]
        return acrValues.first(where: reached.contains) ?? reached[0]
    }
}

/// The levels the `acr` claim names.
public enum AuthenticationLevel {
    /// A password (and a second factor when the account has one), an e-mail address proved.
    public static let local = "urn:grandlyon:connect:local"
    /// An identity vouched for by FranceConnect (eIDAS low).
    public static let franceConnect = "eidas1"
}

/// What to do next with an authorization request, given the browser's session and the person's consents.
public enum AuthorizationStep: Sendable, Equatable {
    /// Ask for the password (again, when `prompt=login` or `max_age` requires it).
    case signIn
    /// Ask the person whether the application may have these scopes.
    case consent
    /// Send a code to the application.
    case issue
    /// Tell the application no (`prompt=none` that would need a page).
    case fail(OAuthError)

    /// The person is signed in well enough for the application to be asked about or answered: the step where
    /// whether they may use it at all is decided. A silent request that would need the consent page reaches
    /// them too: a person the application may not have at all is told `access_denied`, not asked to consent.
    public var reachesThePerson: Bool { self == .consent || self == .issue || self == .fail(.consentRequired) }

    /// - Parameters:
    ///   - authTime: when the browser's session was opened with the password; nil when nobody is signed in.
    ///   - startedAt: when this request arrived; a sign-in after it satisfies `prompt=login`.
    ///   - consented: the scopes the person already let this application have.
    public static func next(_ request: AuthorizationRequest, authTime: Date?, startedAt: Date, consented: Set<String>, now: Date) -> AuthorizationStep {
        let silent = request.prompts.contains(.none)
        guard let authTime else { return silent ? .fail(.loginRequired) : .signIn }
        let freshEnough = request.maxAge.map { now.timeIntervalSince(authTime) <= Double($0) } ?? true
        let reauthenticated = authTime >= startedAt
        if !freshEnough || (request.prompts.contains(.login) && !reauthenticated) {
            return silent ? .fail(.loginRequired) : .signIn
        }
        let needed = Set(request.scopes).subtracting(["openid"])
        if !needed.isSubset(of: consented) || request.prompts.contains(.consent) {
            return silent ? .fail(.consentRequired) : .consent
        }
        return .issue
    }
}
