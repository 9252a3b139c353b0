import Demarches
import Foundation
import Storage
import Vapor
import WebSupport

/// The collectivité's data sources: reference tables kept here (rows pasted or uploaded as `valeur;libellé`
/// lines) and JSON URLs read from other systems. Admins of collectivités that author their démarches.
struct DataSourcesController {
    struct ListVM {
        struct Row { var id: String; var title: String; var kind: String; var size: String; var readers: String; var updated: String }
        var layout: Layout
        var slug: String
        var rows: [Row]
    }

    func list(req: Request) async throws -> Response {
        let scope = try await req.authorScope()
        let readers = try await req.store.currentDemarches(in: scope)
        var rows: [ListVM.Row] = []
        for stored in try await req.store.dataSources(in: scope).values.sorted(by: { $0.source.title < $1.source.title }) {
            let s = stored.source
            let size: String
            switch s.kind {
            case .table: size = "\(s.items?.count ?? 0) lignes"
            case .url:
                let state = await req.store.urlSourceState(s)
                size = state.lastError.map { "Erreur : \($0)" + (state.items.isEmpty ? "" : " (\(state.items.count) éléments gardés)") }
                    ?? "\(state.items.count) éléments lus"
            }
            let names = readers.filter { $0.current.definition.dataSourceIDs.contains(s.id) }.map(\.summary.title)
            rows.append(.init(id: s.id, title: s.title, kind: s.kind == .table ? "Table" : "URL", size: size,
                              readers: names.isEmpty ? "—" : names.joined(separator: ", "), updated: FrenchDate.string(millis: stored.updatedAt)))
        }
        return req.guichet.renderer.html("designer/sources", ListVM(layout: try await req.layout(scope, title: "Sources de données"),
                                                                    slug: scope.slug, rows: rows))
    }

    struct EditVM {
        var layout: Layout
        var slug: String
        var isNew: Bool
        var id: String
        var title: String
        var isTable: Bool
        var lines: String
        var url: String
        var cacheSeconds: String
        var timeoutSeconds: String
        var problems: [String]
        var preview: [Choice]
        var previewMore: Int
    }

    func edit(req: Request) async throws -> Response {
        let scope = try await req.authorScope()
        let id = req.parameters.get("source") ?? ""
        var vm = EditVM(layout: try await req.layout(scope, title: "Nouvelle source de données"), slug: scope.slug, isNew: true, id: "", title: "",
                        isTable: true, lines: "", url: "", cacheSeconds: "300", timeoutSeconds: "2", problems: [], preview: [], previewMore: 0)
        if id != "nouvelle" {
            guard let stored = try await req.store.dataSources(in: scope)[id] else { throw Abort(.notFound) }
            let s = stored.source
            vm.layout = try await req.layout(scope, title: s.title)
            vm.isNew = false; vm.id = s.id; vm.title = s.title; vm.isTable = s.kind == .table
            vm.lines = (s.items ?? []).map { "\($0.value);\($0.label)" }.joined(separator: "\n")
            vm.url = s.url ?? ""; vm.cacheSeconds = String(s.effectiveCacheSeconds); vm.timeoutSeconds = String(s.effectiveTimeoutSeconds)
            let items = s.kind == .table ? (s.items ?? []) : await req.store.urlSourceState(s).items
            vm.preview = Array(items.prefix(20)); vm.previewMore = max(0, items.count - 20)
        }
        return req.guichet.renderer.html("designer/source", vm)
    }

    /// Saves the source as posted; refused with every problem, the form kept as typed, when anything is wrong.
    func save(req: Request) async throws -> Response {
        let scope = try await req.authorScope()
        let form = req.form
        let isTable = form.value("kind") != "url"
        var lines = form.value("lignes")
        if let upload = form.raw.files["fichier"]?.first, !upload.bytes.isEmpty { lines = String(decoding: upload.bytes, as: UTF8.self) }
        var problems: [String] = []
        var items: [Choice]?
        if isTable {
            switch DataSource.items(fromLines: lines) {
            case .success(let parsed): items = parsed
            case .failure(let error): problems.append("Ligne \(error.line) : attendu « valeur;libellé » ou un libellé seul.")
            }
        }
        let source = DataSource(id: form.value("identifiant").trimmingCharacters(in: .whitespaces), title: form.value("titre"),
                                kind: isTable ? .table : .url, items: items,
                                url: isTable ? nil : form.value("url").trimmingCharacters(in: .whitespaces),
                                cacheSeconds: isTable ? nil : Int(form.value("cache")) ?? -1,
                                timeoutSeconds: isTable ? nil : Int(form.value("delai")) ?? 0)
        problems += problems.isEmpty ? source.problems : []
        if form.value("nouvelle") == "oui", problems.isEmpty, try await req.store.dataSources(in: scope)[source.id] != nil {
            problems.append("Une source « \(source.id) » existe déjà : choisissez un autre identifiant.")
        }
        if problems.isEmpty {
            try await req.store.saveDataSource(source, in: scope)
            req.flash("Source « \(source.title) » enregistrée.")
            return req.redirect(to: "/bo/\(scope.slug)/sources", redirectType: .normal)
        }
        let vm = EditVM(layout: try await req.layout(scope, title: "Erreur — Source de données"), slug: scope.slug, isNew: form.value("nouvelle") == "oui",
                        id: source.id, title: source.title, isTable: isTable, lines: lines, url: form.value("url"),
                        cacheSeconds: form.value("cache"), timeoutSeconds: form.value("delai"), problems: problems, preview: [], previewMore: 0)
        return req.guichet.renderer.html("designer/source", vm, status: .unprocessableEntity)
    }

    func delete(req: Request) async throws -> Response {
        let scope = try await req.authorScope()
        do {
            try await req.store.deleteDataSource(id: req.parameters.get("source") ?? "", in: scope)
            req.flash("Source supprimée.")
        } catch let error as DefinitionError {
            req.flash("Source non supprimée. " + error.problems.joined(separator: " "))
        }
        return req.redirect(to: "/bo/\(scope.slug)/sources", redirectType: .normal)
    }
}

extension Request {
    /// Only admins of a collectivité that authors its démarches (Métropole, partenaire communes) design them.
    func authorScope() async throws -> TenantScope {
        let (scope, _) = try await agentScope()
        guard scope.isAdmin, scope.collectivite.authorsDemarches else { throw Abort(.forbidden) }
        return scope
    }
}
