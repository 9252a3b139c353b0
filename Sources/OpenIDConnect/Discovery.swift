/// The provider's endpoints under its issuer, and its discovery document (OpenID Connect Discovery 1.0).
public struct ProviderEndpoints: Sendable {
    public let issuer: String

    public init(issuer: String) { self.issuer = issuer }

    public static let paths = (authorize: "/oidc/authorize", token: "/oidc/token", userinfo: "/oidc/userinfo", jwks: "/oidc/jwks",
                               revoke: "/oidc/revoke", introspect: "/oidc/introspect", logout: "/oidc/logout")

    public var document: [String: ClaimValue] {
        let p = Self.paths
        return [
            "issuer": .string(issuer),
            "authorization_endpoint": .string(issuer + p.authorize),
            "token_endpoint": .string(issuer + p.token),
            "userinfo_endpoint": .string(issuer + p.userinfo),
            "jwks_uri": .string(issuer + p.jwks),
            "revocation_endpoint": .string(issuer + p.revoke),
            "introspection_endpoint": .string(issuer + p.introspect),
            "end_session_endpoint": .string(issuer + p.logout),
            "scopes_supported": .strings(Scope.supported),
            "response_types_supported": .strings(["code"]),
            "response_modes_supported": .strings(["query"]),
            "grant_types_supported": .strings(["authorization_code", "refresh_token"]),
            "subject_types_supported": .strings(["public", "pairwise"]),
            "id_token_signing_alg_values_supported": .strings(SigningAlgorithm.allCases.map(\.rawValue)),
            "token_endpoint_auth_methods_supported": .strings(["client_secret_basic", "client_secret_post", "none"]),
            "revocation_endpoint_auth_methods_supported": .strings(["client_secret_basic", "client_secret_post", "none"]),
            "introspection_endpoint_auth_methods_supported": .strings(["client_secret_basic", "client_secret_post"]),
            "code_challenge_methods_supported": .strings(["S256"]),
            "prompt_values_supported": .strings(["none", "login", "consent", "select_account"]),
            "acr_values_supported": .strings([AuthenticationLevel.local, AuthenticationLevel.franceConnect]),
            "claims_supported": .strings(["sub", "iss", "aud", "exp", "iat", "auth_time", "nonce", "acr", "amr", "sid", "name", "given_name", "family_name",
                                          "email", "email_verified", "phone_number", "phone_number_verified", "address", "birthdate",
                                          "gender", "birthplace", "birthcountry", "updated_at", "identity_level"]),
            "claims_parameter_supported": .bool(false),
            "request_parameter_supported": .bool(false),
            "request_uri_parameter_supported": .bool(false),
            "authorization_response_iss_parameter_supported": .bool(true),
            "backchannel_logout_supported": .bool(true),
            "backchannel_logout_session_supported": .bool(true),
            "frontchannel_logout_supported": .bool(false),
            "ui_locales_supported": .strings(["fr-FR"]),
        ]
    }
}
