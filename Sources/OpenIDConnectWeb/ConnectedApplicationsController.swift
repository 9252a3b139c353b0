import Foundation
import OpenIDConnect
import Storage
import Vapor
import WebSupport

/// « Applications connectées »: the applications the citizen let use their account, what each receives, and a
/// button that disconnects one (its consent withdrawn, its tokens dead at once).
struct ConnectedApplicationsController {
    struct Page {
        struct Row { var clientID: String; var name: String; var shares: String; var since: String }
        var layout: Layout
        var applications: [Row]
    }

    func list(req: Request) async throws -> Response {
        let account = try await req.requireAccount()
        let rows = try await req.store.connectedApplications(accountID: account.id).map { app in
            let shares = app.scopes.compactMap(Scope.description)
            return Page.Row(clientID: app.clientID, name: app.name, shares: shares.isEmpty ? "votre identifiant de compte" : shares.joined(separator: ", "),
                            since: FrenchDate.string(app.grantedAt))
        }
        return req.guichet.renderer.html("oidc/applications", Page(layout: try await Layout.make(req, title: "Applications connectées"), applications: rows))
    }

    func disconnect(req: Request) async throws -> Response {
        let account = try await req.requireAccount()
        let clientID = req.parameters.get("client") ?? ""
        let party = try await req.store.relyingParty(id: clientID)
        let name = party?.registration.name ?? clientID
        try await req.store.disconnectApplication(accountID: account.id, clientID: clientID)
        if party != nil { try await req.journal(.applicationDisconnected, accountID: account.id, detail: name) }
        req.flash("« \(name) » est déconnectée : elle ne peut plus accéder à votre compte sans vous le redemander.")
        return req.redirect(to: "/compte/applications", redirectType: .normal)
    }
}
