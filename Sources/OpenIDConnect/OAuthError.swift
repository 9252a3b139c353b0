/// An error of the protocol, as RFC 6749 and OpenID Connect name them: `code` goes to the application as is,
/// `description` says why in English (applications' developers read it, citizens never do).
public struct OAuthError: Error, Sendable, Equatable, Codable {
    public var code: String
    public var description: String

    public init(_ code: String, _ description: String) { self.code = code; self.description = description }

    public static func invalidRequest(_ why: String) -> OAuthError { OAuthError("invalid_request", why) }
    public static func invalidGrant(_ why: String) -> OAuthError { OAuthError("invalid_grant", why) }
    public static func invalidClient(_ why: String) -> OAuthError { OAuthError("invalid_client", why) }
    public static func invalidScope(_ why: String) -> OAuthError { OAuthError("invalid_scope", why) }
    public static let loginRequired = OAuthError("login_required", "the user is not signed in")
    public static let consentRequired = OAuthError("consent_required", "the user has not consented to these scopes")
    public static let accessDenied = OAuthError("access_denied", "the user or the service refused the request")
}
