import Foundation
import Routing
import Storage
import Territory
import Vapor
import WebSupport

/// The Métropole's admins set up the *connecté* communes' connectors (`/bo/metropole/connecteurs`): where each
/// commune's software receives its relayed requests, the credentials it uses, and the journal of what was sent,
/// where a failed or lost event is replayed and a stopped connector started again.
struct ConnectorsController {
    struct ListPage {
        struct Row { var commune: String; var url: String; var journalURL: String; var state: String; var stopped: Bool; var pending: Int; var failing: Int }
        struct Choice { var value: String; var label: String; var selected: Bool }
        var layout: Layout
        var slug: String
        var rows: [Row]
        var communes: [Choice]
        var url: String
        var urlError: String?
        var communeError: String?
    }

    struct JournalPage {
        struct Row {
            var id: String; var number: String; var numberURL: String; var event: String; var created: String; var state: String
            var failing: Bool; var attempts: Int; var lastError: String; var replayable: Bool
        }
        struct Tab { var label: String; var url: String; var current: Bool }
        var layout: Layout
        var slug: String
        var commune: String
        var communeSlug: String
        var url: String
        var urlError: String?
        var stopped: Bool
        var stoppedReason: String?
        var pending: Int
        var token: String?
        var signingKey: String
        var apiBase: String
        var tabs: [Tab]
        var rows: [JournalPage.Row]
    }

    func list(req: Request) async throws -> Response {
        let scope = try await platformScope(req)
        return try await listPage(req, scope, url: "", commune: nil, errors: (nil, nil))
    }

    func create(req: Request) async throws -> Response {
        let scope = try await platformScope(req)
        let slug = req.form.value("commune"), url = req.form.value("url").trimmingCharacters(in: .whitespaces)
        let candidates = try await connectable(req, scope)
        let communeError = candidates.contains { $0.slug == slug } ? nil : "Choisissez une commune connectée qui n'a pas encore de connecteur."
        let urlError = Connector.addressProblem(url)
        guard communeError == nil, urlError == nil else {
            return try await listPage(req, scope, url: url, commune: slug, errors: (urlError, communeError), status: .unprocessableEntity)
        }
        let token = try await req.store.saveConnector(commune: slug, url: url, in: scope)
        return try await journalPage(req, scope, commune: slug, token: token)
    }

    func journal(req: Request) async throws -> Response {
        let scope = try await platformScope(req)
        return try await journalPage(req, scope, commune: req.parameters.get("commune") ?? "", token: nil)
    }

    func saveURL(req: Request) async throws -> Response {
        let scope = try await platformScope(req)
        let commune = req.parameters.get("commune") ?? "", url = req.form.value("url").trimmingCharacters(in: .whitespaces)
        guard try await req.store.connector(commune: commune, in: scope) != nil else { throw Abort(.notFound) }
        if let problem = Connector.addressProblem(url) {
            return try await journalPage(req, scope, commune: commune, token: nil, url: url, urlError: problem, status: .unprocessableEntity)
        }
        _ = try await req.store.saveConnector(commune: commune, url: url, in: scope)
        req.flash("Adresse du connecteur enregistrée.")
        return back(req, scope, commune)
    }

    func setState(req: Request) async throws -> Response {
        let (scope, name) = try await platformAdmin(req)
        let commune = req.parameters.get("commune") ?? ""
        guard try await req.store.connector(commune: commune, in: scope) != nil else { throw Abort(.notFound) }
        let start = req.form.value("etat") == "demarrer"
        try await req.store.setConnector(commune: commune, enabled: start, reason: "Arrêté par \(name)", in: scope)
        if start { await req.guichet.mailQueued() }
        req.flash(start ? "Connecteur démarré : les événements en attente partent maintenant." : "Connecteur arrêté : les événements attendent dans le journal.")
        return back(req, scope, commune)
    }

    func rotate(req: Request) async throws -> Response {
        let scope = try await platformScope(req)
        let commune = req.parameters.get("commune") ?? ""
        let token = try await req.store.rotateConnectorCredentials(commune: commune, in: scope)
        return try await journalPage(req, scope, commune: commune, token: token)
    }

    func replay(req: Request) async throws -> Response {
        let scope = try await platformScope(req)
        let commune = req.parameters.get("commune") ?? ""
        try await req.store.replayDelivery(id: req.form.value("envoi"), commune: commune, in: scope)
        await req.guichet.mailQueued()
        req.flash("Événement renvoyé, avec la même clé d'idempotence.")
        return back(req, scope, commune)
    }

    // MARK: -

    private func platformScope(_ req: Request) async throws -> TenantScope { try await platformAdmin(req).scope }

    private func platformAdmin(_ req: Request) async throws -> (scope: TenantScope, name: String) {
        let (scope, account) = try await req.agentScope()
        guard scope.runsPlatform, scope.isAdmin else { throw Abort(.forbidden) }
        return (scope, account.name)
    }

    private func connectable(_ req: Request, _ scope: TenantScope) async throws -> [Collectivite] {
        let existing = Set(try await req.store.connectors(in: scope).map(\.commune))
        return try await req.store.collectivites().filter { $0.membership == .connecte && !existing.contains($0.slug) }
    }

    private func back(_ req: Request, _ scope: TenantScope, _ commune: String) -> Response {
        req.redirect(to: "/bo/\(scope.slug)/connecteurs/\(commune)", redirectType: .normal)
    }

    private func listPage(_ req: Request, _ scope: TenantScope, url: String, commune: String?, errors: (url: String?, commune: String?),
                          status: HTTPStatus = .ok) async throws -> Response {
        let names = Dictionary(try await req.store.collectivites().map { ($0.slug, $0.name) }, uniquingKeysWith: { a, _ in a })
        let rows = try await req.store.connectors(in: scope).map { c in
            ListPage.Row(commune: names[c.commune] ?? c.commune, url: c.url, journalURL: "/bo/\(scope.slug)/connecteurs/\(c.commune)",
                         state: c.isEnabled ? "En service" : "Arrêté", stopped: !c.isEnabled, pending: c.pending, failing: c.failing)
        }
        let page = ListPage(layout: try await req.layout(scope, title: "Connecteurs des communes"), slug: scope.slug, rows: rows,
                            communes: try await connectable(req, scope).map { .init(value: $0.slug, label: $0.name, selected: $0.slug == commune) },
                            url: url, urlError: errors.url, communeError: errors.commune)
        return req.guichet.renderer.html("administration/connectors", page, status: status)
    }

    private func journalPage(_ req: Request, _ scope: TenantScope, commune: String, token: String?, url: String? = nil, urlError: String? = nil,
                             status: HTTPStatus = .ok) async throws -> Response {
        guard let connector = try await req.store.connector(commune: commune, in: scope) else { throw Abort(.notFound) }
        let name = try await req.store.collectivite(slug: commune)?.name ?? commune
        let filter = Store.DeliveryFilter(rawValue: req.query[String.self, at: "filtre"] ?? "") ?? .all
        let rows = try await req.store.connectorDeliveries(commune: commune, filter, in: scope).map { d in
            let state: String = if let at = d.deliveredAt { "Reçu le \(FrenchDate.string(at))" + (d.lastStatus.map { " (HTTP \($0))" } ?? "") }
                else if d.attempts == 0 { "En attente" }
                else { "En échec, nouvel essai le \(FrenchDate.string(d.nextAttemptAt))" }
            return JournalPage.Row(id: d.id, number: d.number ?? "—", numberURL: d.number.map { "/bo/\(scope.slug)/demandes/\($0)" } ?? "",
                                   event: d.event.label, created: FrenchDate.string(d.createdAt), state: state,
                                   failing: d.deliveredAt == nil && d.attempts > 0, attempts: d.attempts, lastError: d.lastError ?? "",
                                   replayable: d.deliveredAt != nil || d.attempts > 0)
        }
        let labels: [(Store.DeliveryFilter, String)] = [(.all, "Tous"), (.pending, "En attente"), (.failing, "En échec")]
        let page = JournalPage(layout: try await req.layout(scope, title: "Connecteur de \(name)"), slug: scope.slug, commune: name, communeSlug: commune,
                               url: url ?? connector.url, urlError: urlError, stopped: !connector.isEnabled, stoppedReason: connector.disabledReason,
                               pending: connector.pending, token: token,
                               signingKey: req.guichet.signingKeys.connectorKey(commune: commune, generation: connector.keyGeneration),
                               apiBase: req.guichet.baseURL + "/api/v1/connecteur",
                               tabs: labels.map { .init(label: $0.1, url: "/bo/\(scope.slug)/connecteurs/\(commune)?filtre=\($0.0.rawValue)", current: $0.0 == filter) },
                               rows: rows)
        return req.guichet.renderer.html("administration/connector", page, status: status)
    }
}
