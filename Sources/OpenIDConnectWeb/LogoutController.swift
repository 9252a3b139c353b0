import Foundation
import OpenIDConnect
import Storage
import Vapor
import WebSupport

/// RP-initiated logout (OpenID Connect RP-Initiated Logout 1.0). An application sends the browser here with
/// the ID token it holds (`id_token_hint`); when that token is of this very sign-in, the session ends at once,
/// otherwise the person confirms (another site must not sign them out unawares). The browser goes back only to a
/// return address the application registered.
struct LogoutController {
    struct ConfirmPage {
        var layout: Layout
        var application: String?
        var hint: String
        var returnURI: String
        var state: String
        var clientID: String
    }

    func endSession(req: Request) async throws -> Response {
        let parameters = (try? req.query.decode([String: String].self)) ?? [:]
        return try await handle(req, parameters, confirmed: false)
    }

    func confirm(req: Request) async throws -> Response {
        var parameters: [String: String] = [:]
        for name in ["id_token_hint", "post_logout_redirect_uri", "state", "client_id"] where !req.form.value(name).isEmpty {
            parameters[name] = req.form.value(name)
        }
        return try await handle(req, parameters, confirmed: true)
    }

    private func handle(_ req: Request, _ parameters: [String: String], confirmed: Bool) async throws -> Response {
        var hinted: ClaimSet?
        if let hint = parameters["id_token_hint"], let (claims, type) = try? await req.store.keyRing().verify(hint), type == "JWT",
           claims["iss"]?.string == req.guichet.baseURL {
            hinted = claims  // an expired ID token still names the sign-in
        }
        let clientID = hinted?["aud"]?.strings?.first ?? parameters["client_id"]
        if let named = parameters["client_id"], let fromHint = hinted?["aud"]?.strings?.first, named != fromHint {
            return try await refuse(req, "L'application indiquée ne correspond pas à la session à fermer.")
        }
        let client = try await clientID.asyncMap { try await req.store.relyingParty(id: $0) } ?? nil
        let returnURI = parameters["post_logout_redirect_uri"]
        if let returnURI, !(client?.registration.postLogoutRedirectURIs.contains(returnURI) ?? false) {
            return try await refuse(req, "L'adresse de retour demandée n'est pas déclarée par l'application : la déconnexion s'arrête ici par sécurité.")
        }
        if let session = try await req.signInSession() {
            let sameSignIn = hinted?["sid"]?.string == session.sid
            guard sameSignIn || confirmed else {
                let page = ConfirmPage(layout: try await Layout.make(req, title: "Se déconnecter"), application: client?.registration.name,
                                       hint: parameters["id_token_hint"] ?? "", returnURI: returnURI ?? "", state: parameters["state"] ?? "",
                                       clientID: parameters["client_id"] ?? "")
                if let returnURI { req.allowFormRedirect(to: returnURI) }
                return req.guichet.renderer.html("oidc/logout", page)
            }
            try await req.store.endGrants(ofSession: session.sid)
            req.signOut()
        }
        if let returnURI { return OAuthResponse.redirect(to: returnURI, [("state", parameters["state"])]) }
        return req.guichet.renderer.messagePage(try await Layout.make(req, title: "Vous êtes déconnecté(e)"), heading: "Vous êtes déconnecté(e)",
            message: "Votre session GrandLyon Connect est fermée, ainsi que celles des applications où elle vous avait connecté(e).")
    }

    private func refuse(_ req: Request, _ message: String) async throws -> Response {
        req.guichet.renderer.messagePage(try await Layout.make(req, title: "Déconnexion impossible"), heading: "Déconnexion impossible",
                                         message: message, status: .badRequest)
    }
}
