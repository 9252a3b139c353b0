import Demarches
import Foundation
import Storage
import Vapor
import WebSupport

/// The designer's pages for démarches: the list, each démarche's page (versions, comparison, going online or
/// off), and the definition editor. Test-filling is `DemarcheTrialController`, bundles `BundleController`.
struct DemarchesController {
    struct ListVM {
        struct Row { var demarche: String; var title: String; var version: Int; var published: Bool }
        var layout: Layout
        var slug: String
        var canAuthor: Bool
        var rows: [Row]
        /// Démarches that exist only as a working copy.
        var newCopies: [Row]
    }

    func list(req: Request) async throws -> Response {
        let (scope, _) = try await req.agentScope()
        let canAuthor = scope.isAdmin && scope.collectivite.authorsDemarches
        let rows = try await req.store.demarches(in: scope).map { ListVM.Row(demarche: $0.slug, title: $0.title, version: $0.currentVersion, published: $0.isPublished) }
        let copies = canAuthor ? try await req.store.workingCopies(in: scope).filter { $0.basedOnVersion == nil } : []
        let vm = ListVM(layout: try await req.layout(scope, title: "Démarches"), slug: scope.slug, canAuthor: canAuthor, rows: rows,
                        newCopies: copies.map { .init(demarche: $0.slug, title: $0.title, version: 0, published: false) })
        return req.guichet.renderer.html("designer/demarches", vm)
    }

    struct DemarcheVM {
        struct Version { var version: Int; var date: String; var author: String; var demandes: Int; var isCurrent: Bool; var hasPrevious: Bool }
        var layout: Layout
        var slug: String
        var demarche: String
        var title: String
        var summary: String
        var published: Bool
        var canAuthor: Bool
        /// Test-filling, the bundle and the versions' comparison: admins only.
        var isAdmin: Bool
        var fieldCount: Int
        var pageCount: Int
        var statusCount: Int
        var sources: [String]
        var versions: [Version]
        /// When an admin is designing the next version: when and by whom it was last changed.
        var copyUpdated: String?
    }

    /// A démarche's page: where it stands, its versions (who published each, how many requests each holds).
    func show(req: Request) async throws -> Response {
        let (scope, _) = try await req.agentScope()
        let slug = req.parameters.get("demarche") ?? ""
        guard let current = try await req.store.authoredDemarche(slug: slug, in: scope),
              let summary = try await req.store.demarches(in: scope).first(where: { $0.slug == slug }) else { throw Abort(.notFound) }
        let d = current.definition
        let versions = try await req.store.versions(ofDemarche: slug, in: scope).map {
            DemarcheVM.Version(version: $0.version, date: FrenchDate.string($0.createdAt), author: $0.author ?? "Ligne de commande",
                               demandes: $0.demandes, isCurrent: $0.version == current.version, hasPrevious: $0.version > 1)
        }
        let canAuthor = scope.isAdmin && scope.collectivite.authorsDemarches
        let copy = canAuthor ? try await req.store.workingCopy(slug: slug, in: scope) : nil
        let vm = DemarcheVM(layout: try await req.layout(scope, title: d.title), slug: scope.slug, demarche: slug, title: d.title, summary: d.summary,
                            published: summary.isPublished, canAuthor: canAuthor, isAdmin: scope.isAdmin,
                            fieldCount: d.form.fields.filter { $0.type.isInput }.count, pageCount: d.form.logic.pages.count,
                            statusCount: d.workflow.statuses.count, sources: d.dataSourceIDs, versions: versions,
                            copyUpdated: copy.map { FrenchDate.string($0.updatedAt) + ($0.author.map { " par \($0)" } ?? "") })
        return req.guichet.renderer.html("designer/demarche", vm)
    }

    struct DiffVM {
        struct Line { var text: String; var added: Bool; var removed: Bool; var gap: Bool }
        var layout: Layout
        var slug: String
        var demarche: String
        var title: String
        var from: Int
        var to: Int
        var changes: [String]
        var lines: [Line]
    }

    /// What version N changed from version N-1: in sentences, then the definition line by line. Admins only, as
    /// the definitions hold webhook and data-source addresses.
    func diff(req: Request) async throws -> Response {
        let (scope, _) = try await req.agentScope()
        guard scope.isAdmin else { throw Abort(.forbidden) }
        let slug = req.parameters.get("demarche") ?? ""
        guard let version = req.parameters.get("version", as: Int.self), version > 1,
              let new = try await req.store.authoredDemarche(slug: slug, version: version, in: scope),
              let old = try await req.store.authoredDemarche(slug: slug, version: version - 1, in: scope) else { throw Abort(.notFound) }
        let lines = DefinitionDiff.lines(from: String(decoding: old.definition.canonicalJSON(), as: UTF8.self),
                                         to: String(decoding: new.definition.canonicalJSON(), as: UTF8.self))
        let vm = DiffVM(layout: try await req.layout(scope, title: "Version \(version) — \(new.definition.title)"), slug: scope.slug, demarche: slug,
                        title: new.definition.title, from: version - 1, to: version,
                        changes: DefinitionDiff.changes(from: old.definition, to: new.definition),
                        lines: lines.map { .init(text: $0.text, added: $0.kind == .added, removed: $0.kind == .removed, gap: $0.kind == .gap) })
        return req.guichet.renderer.html("designer/diff", vm)
    }

    struct EditorVM {
        var layout: Layout
        var slug: String
        var json: String
        var problems: [String]
        var checked: Bool
        var online: Bool
    }

    func editor(req: Request) async throws -> Response {
        let scope = try await req.authorScope()
        var json = ""
        var online = false
        if let demarche = try? req.query.get(String.self, at: "demarche"),
           let current = try await req.store.authoredDemarche(slug: demarche, in: scope) {
            json = String(decoding: current.definition.canonicalJSON(), as: UTF8.self)
            online = try await req.store.demarches(in: scope).first { $0.slug == demarche }?.isPublished ?? false
        } else {
            json = String(decoding: try DemoCatalogue.definition("signalement-espace-public").canonicalJSON(), as: UTF8.self)
                .replacingOccurrences(of: "\"slug\" : \"signalement-espace-public\"", with: "\"slug\" : \"nouvelle-demarche\"")
        }
        return req.guichet.renderer.html("designer/editor", EditorVM(layout: try await req.layout(scope, title: "Éditer une démarche"),
                                                                       slug: scope.slug, json: json, problems: [], checked: false, online: online))
    }

    /// « Vérifier » checks only; « Enregistrer » publishes a new version, online or off as chosen. A definition
    /// that does not check (or reads a data source the collectivité lacks) is refused with every problem listed,
    /// and nothing changes.
    func save(req: Request) async throws -> Response {
        let scope = try await req.authorScope()
        let json = req.form.value("definition")
        let online = req.form.value("en_ligne") == "oui"
        func again(_ problems: [String], checked: Bool = false) async throws -> Response {
            req.guichet.renderer.html("designer/editor",
                                      EditorVM(layout: try await req.layout(scope, title: (problems.isEmpty ? "" : "Erreur — ") + "Éditer une démarche"),
                                               slug: scope.slug, json: json, problems: problems, checked: checked, online: online),
                                      status: problems.isEmpty ? .ok : .unprocessableEntity)
        }
        switch DemarcheDefinition.parse(json: Data(json.utf8)) {
        case .failure(let error):
            return try await again(error.problems)
        case .success(let definition):
            if req.form.value("action") == "verifier" {
                let known = try await req.store.dataSources(in: scope)
                let missing = definition.dataSourceIDs.filter { known[$0] == nil }
                return try await again(missing.map { "La source de données « \($0) » n'existe pas." }, checked: missing.isEmpty)
            }
            do {
                let published = try await req.store.publish(definition, online: online, in: scope)
                req.flash("« \(definition.title) » enregistrée en version \(published.version), \(online ? "en ligne" : "hors ligne").")
                return req.redirect(to: "/bo/\(scope.slug)/demarches/\(definition.slug)", redirectType: .normal)
            } catch let error as DefinitionError {
                return try await again(error.problems)
            }
        }
    }

    func publication(req: Request) async throws -> Response {
        let scope = try await req.authorScope()
        let slug = req.parameters.get("demarche") ?? ""
        let publish = req.form.value("publier") == "oui"
        try await req.store.setPublished(publish, slug: slug, in: scope)
        req.flash(publish ? "Démarche mise en ligne." : "Démarche retirée du portail ; les demandes déposées restent traitées.")
        return req.redirect(to: "/bo/\(scope.slug)/demarches/\(slug)", redirectType: .normal)
    }
}
