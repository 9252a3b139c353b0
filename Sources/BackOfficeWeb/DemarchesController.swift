import Demarches
import Foundation
import Storage
import Vapor
import WebSupport

/// Démarche definitions: list, JSON editor (which is also the import), export. A plain editor for now; the
/// designer comes with the démarche engine.
struct DemarchesController {
    struct ListVM {
        struct Row { var demarche: String; var title: String; var version: Int; var published: Bool }
        var layout: Layout
        var slug: String
        var isAdmin: Bool
        var canAuthor: Bool
        var rows: [Row]
    }

    func list(req: Request) async throws -> Response {
        let (scope, _) = try await req.agentScope()
        let rows = try await req.store.demarches(in: scope).map { ListVM.Row(demarche: $0.slug, title: $0.title, version: $0.currentVersion, published: $0.isPublished) }
        let vm = ListVM(layout: try await req.layout(scope, title: "Démarches"), slug: scope.slug, isAdmin: scope.isAdmin,
                        canAuthor: scope.isAdmin && scope.collectivite.authorsDemarches, rows: rows)
        return req.guichet.renderer.html("backoffice/demarches", vm)
    }

    struct EditorVM {
        var layout: Layout
        var slug: String
        var json: String
        var problems: [String]
    }

    func editor(req: Request) async throws -> Response {
        let (scope, _) = try await authorScope(req)
        var json = ""
        if let demarche = try? req.query.get(String.self, at: "demarche"),
           let current = try await req.store.currentDemarche(slug: demarche, in: scope) {
            json = String(decoding: current.definition.canonicalJSON(), as: UTF8.self)
        } else {
            json = String(decoding: try DemoCatalogue.definition("signalement-espace-public").canonicalJSON(), as: UTF8.self)
                .replacingOccurrences(of: "\"slug\" : \"signalement-espace-public\"", with: "\"slug\" : \"nouvelle-demarche\"")
        }
        return req.guichet.renderer.html("backoffice/editor", EditorVM(layout: try await req.layout(scope, title: "Éditer une démarche"),
                                                                       slug: scope.slug, json: json, problems: []))
    }

    /// Saving publishes a new version. A definition that does not check is refused with every problem listed,
    /// and nothing changes.
    func save(req: Request) async throws -> Response {
        let (scope, _) = try await authorScope(req)
        let json = req.form.value("definition")
        switch DemarcheDefinition.parse(json: Data(json.utf8)) {
        case .failure(let error):
            return req.guichet.renderer.html("backoffice/editor", EditorVM(layout: try await req.layout(scope, title: "Erreur — Éditer une démarche"),
                                                                           slug: scope.slug, json: json, problems: error.problems),
                                             status: .unprocessableEntity)
        case .success(let definition):
            let published = try await req.store.publish(definition, in: scope)
            req.flash("« \(definition.title) » publiée en version \(published.version).")
            return req.redirect(to: "/bo/\(scope.slug)/demarches", redirectType: .normal)
        }
    }

    func export(req: Request) async throws -> Response {
        let (scope, _) = try await req.agentScope()
        guard let current = try await req.store.currentDemarche(slug: req.parameters.get("demarche") ?? "", in: scope) else { throw Abort(.notFound) }
        var headers = HTTPHeaders()
        headers.contentType = .json
        headers.replaceOrAdd(name: .contentDisposition, value: "attachment; filename=\"\(current.definition.slug)-v\(current.version).json\"")
        return Response(status: .ok, headers: headers, body: .init(data: current.definition.canonicalJSON()))
    }

    func publication(req: Request) async throws -> Response {
        let (scope, _) = try await authorScope(req)
        let slug = req.parameters.get("demarche") ?? ""
        let publish = req.form.value("publier") == "oui"
        try await req.store.setPublished(publish, slug: slug, in: scope)
        req.flash(publish ? "Démarche remise en ligne." : "Démarche retirée du portail ; les demandes déposées restent traitées.")
        return req.redirect(to: "/bo/\(scope.slug)/demarches", redirectType: .normal)
    }

    /// Only admins of a collectivité that authors its démarches (Métropole, partenaire communes) edit them.
    private func authorScope(_ req: Request) async throws -> (TenantScope, Account) {
        let (scope, account) = try await req.agentScope()
        guard scope.isAdmin, scope.collectivite.authorsDemarches else { throw Abort(.forbidden) }
        return (scope, account)
    }
}
