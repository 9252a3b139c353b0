import Demarches
import Foundation
import Storage
import Vapor
import WebSupport
import Workflow

/// The designer's field editor: one question of the working copy, configured through `FieldForm`.
extension DesignerController {
    struct FieldVM {
        struct Option { var value: String; var label: String; var selected: Bool }
        var layout: Layout
        var slug: String
        var demarche: String
        var revision: Int
        var isNew: Bool
        var after: String
        var inputs: FieldForm.Inputs
        var errors: [String: String]
        var types: [Option]
        var sources: [Option]
        var displays: [Option]
        var fileKinds: [Option]
        var timings: [Option]
        /// Empty unless the type can receive a piece of the FranceConnect identity.
        var identityPieces: [Option]
        var isDate: Bool
        var isChoice: Bool, isSingleChoice: Bool, isNumber: Bool, isText: Bool, isFile: Bool, isTable: Bool, isComputed: Bool, isPage: Bool, isInput: Bool
        var isBlock: Bool, isImage: Bool, isAddress: Bool
    }

    func fieldEditor(req: Request) async throws -> Response {
        let (scope, copy) = try await open(req)
        let id = req.parameters.get("field") ?? "nouveau"
        if id == "nouveau" {
            var inputs = FieldForm.Inputs()
            inputs.type = (try? req.query.get(String.self, at: "type")).flatMap { FieldType(rawValue: $0)?.rawValue } ?? FieldType.text.rawValue
            return try await renderField(req, scope, copy, inputs: inputs, errors: [:], isNew: true, after: (try? req.query.get(String.self, at: "apres")) ?? "")
        }
        guard let field = copy.definition.form.fields.first(where: { $0.id == id }) else { throw Abort(.notFound) }
        return try await renderField(req, scope, copy, inputs: FieldForm.inputs(of: field), errors: [:], isNew: false, after: "")
    }

    func saveField(req: Request) async throws -> Response {
        let (scope, copy) = try await open(req)
        let id = req.parameters.get("field") ?? "nouveau"
        let inputs = FieldForm.inputs(posted: req.form.value, values: req.form.values)
        let after = req.form.value("apres")
        let isNew = id == "nouveau"
        return try await saveElement(req, scope, copy, parsed: FieldForm.field(from: inputs), anchor: { "champ-\($0.id)" },
                                     edit: { isNew ? .addField($0, after: after.isEmpty ? nil : after) : .replaceField(id: id, with: $0) },
                                     render: { errors, status in
                                         try await renderField(req, scope, copy, inputs: inputs, errors: errors, isNew: isNew, after: after, status: status)
                                     })
    }

    private func renderField(_ req: Request, _ scope: TenantScope, _ copy: WorkingCopy, inputs: FieldForm.Inputs, errors: [String: String],
                             isNew: Bool, after: String, status: HTTPResponseStatus = .ok) async throws -> Response {
        let type = FieldType(rawValue: inputs.type) ?? .text
        let sources = try await req.store.dataSources(in: scope).values.sorted { $0.source.title < $1.source.title }
        let vm = FieldVM(
            layout: try await req.layout(scope, title: (errors.isEmpty ? "" : "Erreur — ") + (isNew ? "Nouveau champ" : "Champ « \(inputs.label) »")),
            slug: scope.slug, demarche: copy.definition.slug, revision: copy.revision, isNew: isNew, after: after, inputs: inputs, errors: errors,
            types: FieldForm.typeNames.map { .init(value: $0.0.rawValue, label: $0.1, selected: $0.0 == type) },
            sources: [.init(value: "", label: "Aucune : les options ci-dessous", selected: inputs.dataSource.isEmpty)]
                + sources.map { .init(value: $0.source.id, label: $0.source.title, selected: $0.source.id == inputs.dataSource) },
            displays: [("", "Automatique"), ("radio", "Boutons radio"), ("list", "Liste déroulante"), ("autocomplete", "Saisie avec suggestions")]
                .map { .init(value: $0.0, label: $0.1, selected: $0.0 == inputs.display) },
            fileKinds: FileKind.allCases.map { .init(value: $0.rawValue, label: $0.label, selected: inputs.accept.contains($0.rawValue)) },
            timings: [("", "N'importe quelle date"), ("past", "Dans le passé (aujourd'hui au plus tard)"), ("future", "À venir (aujourd'hui au plus tôt)")]
                .map { .init(value: $0.0, label: $0.1, selected: $0.0 == inputs.timing) },
            identityPieces: FieldForm.identityPieces(for: type).isEmpty ? [] :
                [.init(value: "", label: "Aucune : l'usager saisit la réponse", selected: inputs.identity.isEmpty)]
                + FieldForm.identityPieces(for: type).map { .init(value: $0.rawValue, label: $0.label.prefix(1).uppercased() + $0.label.dropFirst(), selected: $0.rawValue == inputs.identity) },
            isDate: type == .date,
            isChoice: [.singleChoice, .multipleChoice, .rankedChoice].contains(type), isSingleChoice: type == .singleChoice,
            isNumber: type == .number, isText: type == .text || type == .longText, isFile: type.holdsFiles, isTable: type == .table,
            isComputed: type == .computed, isPage: type == .page, isInput: type.isInput, isBlock: type == .block, isImage: type == .image,
            isAddress: type == .address)
        return req.guichet.renderer.html("designer/designer_field", vm, status: status)
    }
}
