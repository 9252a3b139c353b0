import Codecs
import Foundation

/// One trip to FranceConnect and back, kept in the browser's session between the two: the `state` that ties the
/// callback to this browser and the `nonce` the ID token must carry, each 256 random bits (43 characters, above
/// FranceConnect's minimum of 32).
public struct FederationAttempt: Sendable, Codable, Equatable {
    public enum Purpose: String, Sendable, Codable {
        /// Sign in (or up) with FranceConnect.
        case signIn
        /// The signed-in citizen links their account to their FranceConnect identity.
        case link
    }

    public var state: String
    public var nonce: String
    public var purpose: Purpose
    /// A local path to go to once signed in (the page that asked, an application's authorization request).
    public var returnTo: String
    public var startedAt: Date

    /// The citizen has this long at FranceConnect (and their identity provider) before the attempt expires.
    public static let lifetime: TimeInterval = 900

    public init(state: String, nonce: String, purpose: Purpose, returnTo: String, startedAt: Date) {
        self.state = state; self.nonce = nonce; self.purpose = purpose; self.returnTo = returnTo; self.startedAt = startedAt
    }

    public static func begin(purpose: Purpose, returnTo: String, now: Date) -> FederationAttempt {
        FederationAttempt(state: random(), nonce: random(), purpose: purpose, returnTo: returnTo, startedAt: now)
    }

    static func random() -> String { Base64URL.random(bytes: 32) }

    /// FranceConnect's authorization endpoint with this attempt's request.
    public func authorizationURL(_ settings: FranceConnectSettings, redirectURI: String) -> String {
        settings.authorizationEndpoint + "?" + FormEncoding.encode([
            ("response_type", "code"), ("client_id", settings.clientID), ("redirect_uri", redirectURI),
            ("scope", FranceConnectSettings.scopes), ("state", state), ("nonce", nonce), ("acr_values", FranceConnectSettings.acr),
        ])
    }

    /// The code of a callback that belongs to this attempt: the same `state`, the `iss` of the FranceConnect
    /// configured (RFC 9207: a callback from another issuer is a mix-up), in time. An `error` is the citizen's
    /// choice or FranceConnect's refusal.
    public func code(fromCallback query: [String: String], settings: FranceConnectSettings, now: Date) -> Result<String, FederationFailure> {
        guard let returned = query["state"], constantTimeEqual(returned, state) else { return .failure(.stateMismatch) }
        guard now.timeIntervalSince(startedAt) <= Self.lifetime else { return .failure(.expired) }
        if let error = query["error"] {
            return .failure(error == "access_denied" ? .cancelled : .providerError(String(error.prefix(60))))
        }
        guard query["iss"] == settings.issuer else { return .failure(.issuerMismatch) }
        guard let code = query["code"], (1...512).contains(code.utf8.count), code.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F }) else {
            return .failure(.missingCode)
        }
        return .success(code)
    }
}

/// Why a FranceConnect sign-in did not go through, with what the citizen reads. The technical detail (which
/// check failed) is for the log, never for the page.
public enum FederationFailure: Error, Equatable, Sendable {
    case cancelled
    case providerError(String)
    case stateMismatch
    case issuerMismatch
    case expired
    case missingCode
    case tokenRefused
    case invalidIDToken(String)
    case invalidUserInfo(String)
    case unreachable
    case incompleteIdentity

    public var message: String {
        switch self {
        case .cancelled: "Vous avez annulé la connexion avec FranceConnect. Vous pouvez vous connecter avec votre adresse e-mail et votre mot de passe."
        case .stateMismatch, .expired:
            "Cette connexion avec FranceConnect n'a pas été demandée depuis ce navigateur, ou a expiré. Recommencez depuis la page de connexion."
        case .unreachable: "FranceConnect ne répond pas pour le moment. Réessayez dans quelques minutes, ou connectez-vous avec votre mot de passe."
        case .incompleteIdentity:
            "FranceConnect n'a pas transmis votre identité complète ni une adresse e-mail valide : le compte ne peut pas être créé. Créez un compte avec votre adresse e-mail."
        case .providerError, .issuerMismatch, .missingCode, .tokenRefused, .invalidIDToken, .invalidUserInfo:
            "La connexion avec FranceConnect n'a pas pu être vérifiée. Recommencez, ou connectez-vous avec votre mot de passe."
        }
    }

    public var detail: String {
        switch self {
        case .providerError(let code): "provider error \(code)"
        case .invalidIDToken(let why): "ID token: \(why)"
        case .invalidUserInfo(let why): "userinfo: \(why)"
        default: "\(self)"
        }
    }
}
