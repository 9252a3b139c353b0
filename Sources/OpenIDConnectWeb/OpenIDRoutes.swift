import Foundation
import Vapor
import WebSupport

/// GrandLyon Connect, the identity provider: discovery and keys, the authorization endpoint with its consent
/// page, the token, userinfo, revocation and introspection endpoints, RP-initiated logout, and the citizen's
/// « Applications connectées »; and Guichet as FranceConnect's relying party, with « Identité FranceConnect ».
public enum OpenIDRoutes: WebPart {
    public static let resources: Bundle? = .module

    public static func register(_ routes: any RoutesBuilder) {
        let metadata = MetadataController()
        routes.get(".well-known", "openid-configuration", use: metadata.discovery)
        routes.get("oidc", "jwks", use: metadata.jwks)

        // Pages for people: forms carry the CSRF token.
        let html = routes.grouped(FormMiddleware(maxBytes: FormMiddleware.smallForms))
        let authorization = AuthorizationController()
        html.get("oidc", "authorize", use: authorization.authorize)
        html.get("oidc", "reprendre", use: authorization.resume)
        html.post("oidc", "consentement", use: authorization.consent)
        let logout = LogoutController()
        html.get("oidc", "logout", use: logout.endSession)
        html.post("oidc", "logout", use: logout.confirm)
        let applications = ConnectedApplicationsController()
        html.get("compte", "applications", use: applications.list)
        html.post("compte", "applications", ":client", "deconnecter", use: applications.disconnect)
        // FranceConnect: Guichet as its relying party.
        let franceConnect = FranceConnectController()
        html.get("franceconnect", "connexion", use: franceConnect.start)
        html.get("franceconnect", "retour", use: franceConnect.callback)
        html.get("franceconnect", "relier", use: franceConnect.linkForm)
        html.post("franceconnect", "relier", use: franceConnect.confirmLink)
        html.get("franceconnect", "deconnexion-terminee", use: franceConnect.loggedOut)
        let identity = FranceConnectAccountController()
        html.get("compte", "franceconnect", use: identity.page)
        html.post("compte", "franceconnect", "relier", use: franceConnect.startLink)
        html.post("compte", "franceconnect", "etat-civil", use: identity.declare)
        html.post("compte", "franceconnect", "etat-civil", "supprimer", use: identity.removeDeclared)
        html.post("compte", "franceconnect", "delier", use: identity.unlink)

        // Endpoints for applications: no cookies, no CSRF; the application authenticates itself.
        let tokens = TokenController()
        routes.on(.POST, "oidc", "token", body: .collect(maxSize: "16kb"), use: tokens.token)
        routes.on(.POST, "oidc", "revoke", body: .collect(maxSize: "16kb"), use: tokens.revoke)
        routes.on(.POST, "oidc", "introspect", body: .collect(maxSize: "16kb"), use: tokens.introspect)
        let userinfo = UserInfoController()
        routes.get("oidc", "userinfo", use: userinfo.userinfo)
        routes.on(.POST, "oidc", "userinfo", body: .collect(maxSize: "16kb"), use: userinfo.userinfo)
    }
}

/// The back-office's page of applications, for the Métropole's admins (`/bo/metropole/applications`). Its
/// templates are OpenIDRoutes' (one bundle per target).
public enum ApplicationsRoutes: BackOfficePart {
    public static let resources: Bundle? = nil

    public static func register(collectivite bo: any RoutesBuilder) {
        let applications = ApplicationsController()
        bo.get("applications", use: applications.page)
        bo.post("applications", use: applications.add)
        bo.post("applications", ":client", "supprimer", use: applications.remove)
    }
}
