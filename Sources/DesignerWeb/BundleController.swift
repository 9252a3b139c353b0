import Demarches
import Foundation
import Storage
import Vapor
import WebSupport

/// A démarche as one file: exported with the data sources it reads, imported (checked whole first, then
/// written in one transaction) into this or another collectivité or instance.
struct BundleController {
    /// Admins only: a bundle holds what the démarche calls (webhook and data-source addresses).
    func export(req: Request) async throws -> Response {
        let (scope, _) = try await req.agentScope()
        guard scope.isAdmin else { throw Abort(.forbidden) }
        guard let bundle = try await req.store.bundle(slug: req.parameters.get("demarche") ?? "", in: scope) else { throw Abort(.notFound) }
        var headers = HTTPHeaders()
        headers.contentType = .json
        headers.replaceOrAdd(name: .contentDisposition, value: "attachment; filename=\"\(bundle.demarche.slug).guichet.json\"")
        return Response(status: .ok, headers: headers, body: .init(data: bundle.canonicalJSON()))
    }

    struct ImportVM {
        var layout: Layout
        var slug: String
        var problems: [String]
    }

    func form(req: Request) async throws -> Response {
        let scope = try await req.authorScope()
        return req.guichet.renderer.html("designer/import", ImportVM(layout: try await req.layout(scope, title: "Importer une démarche"),
                                                                       slug: scope.slug, problems: []))
    }

    /// Imports the uploaded bundle: a new démarche arrives offline, so the admin tests it before opening it to
    /// citizens; a new version of an existing one keeps it as it was. A broken bundle is refused with every
    /// problem and changes nothing.
    func submit(req: Request) async throws -> Response {
        let scope = try await req.authorScope()
        let bytes = req.form.raw.files["paquet"]?.first?.bytes ?? []
        let parsed = bytes.isEmpty ? .failure(DefinitionError(problems: ["Choisissez le fichier du paquet (.guichet.json)."]))
            : DemarcheBundle.parse(json: Data(bytes))
        do {
            let bundle = try parsed.get()
            let existing = try await req.store.demarches(in: scope).first { $0.slug == bundle.demarche.slug }
            let imported = try await req.store.importBundle(bundle, online: existing == nil ? false : nil, in: scope)
            let online = existing?.isPublished ?? false
            let sources = bundle.dataSources.map { "« \($0.title) »" }
            req.flash("« \(bundle.demarche.title) » importée en version \(imported.version), \(online ? "en ligne" : "hors ligne")"
                      + (sources.isEmpty ? "." : " ; sources de données enregistrées : \(sources.joined(separator: ", ")).")
                      + (online ? "" : " Testez-la, puis mettez-la en ligne."))
            return req.redirect(to: "/bo/\(scope.slug)/demarches/\(bundle.demarche.slug)", redirectType: .normal)
        } catch let error as DefinitionError {
            return req.guichet.renderer.html("designer/import", ImportVM(layout: try await req.layout(scope, title: "Erreur — Importer une démarche"),
                                                                           slug: scope.slug, problems: error.problems),
                                             status: .unprocessableEntity)
        }
    }
}
