import Foundation
import OpenIDConnect
import Storage
import Vapor
import WebSupport

/// The Métropole's admins register the applications that sign people in with GrandLyon Connect, as
/// `guichet oidc-client` does: `/bo/metropole/applications`. Another collectivité's back-office is refused by the
/// store (the applications belong to the platform).
struct ApplicationsController {
    struct Page {
        struct Row { var id: String; var name: String; var kind: String; var redirectURIs: String; var scopes: String; var extras: String }
        struct Choice { var value: String; var label: String; var checked: Bool }
        var layout: Layout
        var slug: String
        var rows: [Row]
        /// A confidential application just registered: its secret, shown this once.
        var createdID: String?
        var createdSecret: String?
        var form: Form
        var scopes: [Choice]
        /// The shared service of the convention cadre it belongs to, if any (laclasse.com).
        var services: [Choice]
        var hasErrors: Bool
        var idError: String?
        var nameError: String?
        var redirectError: String?
        var logoutError: String?
        var backChannelError: String?
        var scopesError: String?
        var sectorError: String?
        var serviceError: String?
    }

    struct Form {
        var id = "", name = "", redirectURIs = "", postLogoutURIs = "", backChannel = "", sector = "", service = ""
        var isPublic = false, es256 = false
    }

    func page(req: Request) async throws -> Response {
        let (scope, _) = try await req.agentScope()
        return try await render(req, scope, form: Form(), chosen: ["openid", "profile", "email"], errors: [:], created: nil)
    }

    func add(req: Request) async throws -> Response {
        let (scope, _) = try await req.agentScope()
        func lines(_ name: String) -> [String] {
            req.form.value(name).split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        }
        let form = Form(id: req.form.value("id").trimmingCharacters(in: .whitespaces), name: req.form.value("nom").trimmingCharacters(in: .whitespaces),
                        redirectURIs: req.form.value("redirect_uris"), postLogoutURIs: req.form.value("post_logout_redirect_uris"),
                        backChannel: req.form.value("backchannel_logout_uri").trimmingCharacters(in: .whitespaces),
                        sector: req.form.value("sector").trimmingCharacters(in: .whitespaces), service: req.form.value("service"),
                        isPublic: req.form.value("kind") == "public", es256: req.form.value("alg") == "ES256")
        let chosen = ["openid"] + Scope.supported.filter { $0 != "openid" && req.form.values("scopes").contains($0) }
        let party = RelyingParty(id: form.id, name: form.name, kind: form.isPublic ? .public : .confidential, redirectURIs: lines("redirect_uris"),
                                 postLogoutRedirectURIs: lines("post_logout_redirect_uris"), scopes: chosen,
                                 backChannelLogoutURI: form.backChannel.isEmpty ? nil : form.backChannel,
                                 sector: form.sector.isEmpty ? nil : form.sector, idTokenAlgorithm: form.es256 ? .es256 : .rs256,
                                 service: form.service.isEmpty ? nil : form.service)
        var errors = party.problems()
        var secret: String?
        if errors.isEmpty {
            do { secret = try await req.store.registerRelyingParty(party, in: scope) }
            catch StoreError.conflict("service") { errors["service"] = "Choisissez un service de la convention cadre dans la liste." }
            catch StoreError.conflict { errors["id"] = "Cet identifiant est déjà pris." }
        }
        guard errors.isEmpty else { return try await render(req, scope, form: form, chosen: Set(chosen), errors: errors, created: nil, status: .unprocessableEntity) }
        if secret == nil { req.flash("Application « \(party.name) » enregistrée (publique : sans secret, PKCE obligatoire).") }
        return try await render(req, scope, form: Form(), chosen: ["openid", "profile", "email"], errors: [:], created: secret.map { (party.id, $0) })
    }

    func remove(req: Request) async throws -> Response {
        let (scope, _) = try await req.agentScope()
        let id = req.parameters.get("client") ?? ""
        if try await req.store.removeRelyingParty(id: id, in: scope) {
            req.flash("Application « \(id) » supprimée : ses jetons ne sont plus acceptés.")
        }
        return req.redirect(to: "/bo/\(scope.slug)/applications", redirectType: .normal)
    }

    private func render(_ req: Request, _ scope: TenantScope, form: Form, chosen: Set<String>, errors: [String: String],
                        created: (id: String, secret: String)?, status: HTTPStatus = .ok) async throws -> Response {
        let services = try await req.store.sharedServices()
        let rows = try await req.store.relyingParties(in: scope).map { stored -> Page.Row in
            let p = stored.registration
            var extras: [String] = []
            if let sector = p.sector { extras.append("sujets par secteur (\(sector))") }
            if p.backChannelLogoutURI != nil { extras.append("déconnexion notifiée") }
            if let service = p.service { extras.append("réservée aux communes adhérant à \(services.first { $0.id == service }?.name ?? service)") }
            extras.append("jeton d'identité \(p.idTokenAlgorithm.rawValue)")
            return Page.Row(id: p.id, name: p.name, kind: p.kind == .public ? "publique (PKCE)" : "confidentielle",
                            redirectURIs: p.redirectURIs.joined(separator: " "), scopes: p.scopes.joined(separator: " "), extras: extras.joined(separator: ", "))
        }
        let title = errors.isEmpty ? "Applications GrandLyon Connect" : "Erreur — Applications GrandLyon Connect"
        let page = Page(layout: try await req.layout(scope, title: title), slug: scope.slug, rows: rows, createdID: created?.id, createdSecret: created?.secret, form: form,
                        scopes: Scope.supported.filter { $0 != "openid" }.map { Page.Choice(value: $0, label: Scope.description($0) ?? $0, checked: chosen.contains($0)) },
                        services: [Page.Choice(value: "", label: "Aucun : ouverte à tous les comptes", checked: form.service.isEmpty)]
                            + services.map { Page.Choice(value: $0.id, label: $0.name, checked: $0.id == form.service) },
                        hasErrors: !errors.isEmpty, idError: errors["id"], nameError: errors["name"], redirectError: errors["redirect_uris"],
                        logoutError: errors["post_logout_redirect_uris"], backChannelError: errors["backchannel_logout_uri"],
                        scopesError: errors["scopes"], sectorError: errors["sector"], serviceError: errors["service"])
        return req.guichet.renderer.html("oidc/admin_applications", page, status: status)
    }
}
