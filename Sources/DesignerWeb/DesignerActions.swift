import Demarches
import Foundation
import Storage
import Vapor
import WebSupport
import Workflow

/// A status's, transition's or global action's list of actions, as its editor page shows it: one line each,
/// with buttons to edit, move and remove, and a way to add one of a chosen type.
struct ActionListVM {
    struct Row { var index: Int; var summary: String; var first: Bool; var last: Bool }
    struct TypeOption { var value: String; var label: String }
    var heading: String
    /// The owner is not saved yet: its actions come after.
    var pending: Bool
    /// `statuts/<id>`, `transitions/<id>` or `actions/<id>`, under the designer's path.
    var path: String
    var rows: [Row]
    var types: [TypeOption]

    init(_ copy: WorkingCopy, owner: ActionOwner?, path: String, heading: String) {
        let actions = owner.flatMap { copy.definition.workflow.actions(of: $0) } ?? []
        self.heading = heading; self.pending = owner == nil; self.path = path
        rows = actions.enumerated().map { Row(index: $0, summary: ActionForm.summary($1, copy.definition.workflow), first: $0 == 0, last: $0 == actions.count - 1) }
        types = ActionForm.typeNames.map { TypeOption(value: $0.0, label: $0.1) }
    }
}

/// Editing one action of a list: `…/conception/<statuts|transitions|actions>/<element>/action/<n|nouvelle>`.
extension DesignerController {
    struct ActionVM {
        struct Option { var value: String; var label: String; var selected: Bool }
        var layout: Layout; var slug: String; var demarche: String; var revision: Int
        var back: String; var action: String; var isNew: Bool; var typeLabel: String
        var inputs: ActionForm.Inputs; var errors: [String: String]
        var isEmail: Bool, isSMS: Bool, isWebhook: Bool, isAssign: Bool, isSet: Bool, isCorrection: Bool, isDocument: Bool
        var recipients: [Option]; var statuses: [Option]
    }

    func actionEditor(req: Request) async throws -> Response {
        let (scope, copy) = try await open(req)
        let (_, list, path) = try actionOwner(req, copy)
        let index = req.parameters.get("index") ?? "nouvelle"
        if index == "nouvelle" {
            let type = (try? req.query.get(String.self, at: "type")).flatMap { t in ActionForm.typeNames.first { $0.0 == t }?.0 } ?? "email"
            return try await renderAction(req, scope, copy, path: path, index: index, inputs: .init(type: type), errors: [:])
        }
        guard let n = Int(index), list.indices.contains(n) else { throw Abort(.notFound) }
        return try await renderAction(req, scope, copy, path: path, index: index, inputs: ActionForm.inputs(of: list[n]), errors: [:])
    }

    func saveAction(req: Request) async throws -> Response {
        let (scope, copy) = try await open(req)
        let (owner, list, path) = try actionOwner(req, copy)
        let index = req.parameters.get("index") ?? "nouvelle"
        let f = req.form
        let inputs = ActionForm.Inputs(type: f.value("type"), recipient: f.value("destinataire"), role: f.value("role"), address: f.value("adresse"),
                                       subject: f.value("objet"), body: f.value("texte"), to: f.value("numero"), id: f.value("identifiant"),
                                       url: f.value("url"), onError: f.value("echec"), agent: f.value("agent"), field: f.value("champ"),
                                       expression: f.value("expression"), then: f.value("ensuite"), title: f.value("titre"), visible: f.value("visible") == "oui",
                                       label: f.value("libelle"))
        var actions = list
        if index != "nouvelle" { guard let n = Int(index), actions.indices.contains(n) else { throw Abort(.notFound) } }
        return try await saveElement(req, scope, copy, parsed: ActionForm.action(from: inputs), anchor: { _ in "" },
                                     edit: { action -> DesignEdit in
                                         if let n = Int(index) { actions[n] = action } else { actions.append(action) }
                                         return .setActions(owner, actions)
                                     },
                                     render: { errors, status in
                                         try await renderAction(req, scope, copy, path: path, index: index, inputs: inputs, errors: errors, status: status)
                                     }, to: "\(path)#actions")
    }

    func removeAction(req: Request) async throws -> Response {
        let (_, copy) = try await open(req)
        let (owner, list, path) = try actionOwner(req, copy)
        guard let n = req.parameters.get("index", as: Int.self), list.indices.contains(n) else { throw Abort(.notFound) }
        var actions = list
        actions.remove(at: n)
        return try await apply(req, to: "\(path)#actions") { _ in .setActions(owner, actions) }
    }

    func moveAction(req: Request) async throws -> Response {
        let (_, copy) = try await open(req)
        let (owner, list, path) = try actionOwner(req, copy)
        guard let n = req.parameters.get("index", as: Int.self), list.indices.contains(n) else { throw Abort(.notFound) }
        var actions = list
        let m = n + (req.form.value("sens") == "haut" ? -1 : 1)
        if actions.indices.contains(m) { actions.swapAt(n, m) }
        return try await apply(req, to: "\(path)#actions") { _ in .setActions(owner, actions) }
    }

    /// The list's owner from the path, its actions, and its editor's path.
    private func actionOwner(_ req: Request, _ copy: WorkingCopy) throws -> (ActionOwner, [WorkflowAction], String) {
        let (owner, path): (ActionOwner, String)
        if let id = req.parameters.get("status") { (owner, path) = (.status(id), "statuts/\(id)") }
        else if let id = req.parameters.get("transition") { (owner, path) = (.transition(id), "transitions/\(id)") }
        else if let id = req.parameters.get("action") { (owner, path) = (.globalAction(id), "actions/\(id)") }
        else { throw Abort(.notFound) }
        guard let list = copy.definition.workflow.actions(of: owner) else { throw Abort(.notFound) }
        return (owner, list, path)
    }

    private func renderAction(_ req: Request, _ scope: TenantScope, _ copy: WorkingCopy, path: String, index: String,
                              inputs: ActionForm.Inputs, errors: [String: String], status: HTTPResponseStatus = .ok) async throws -> Response {
        let base = "/bo/\(scope.slug)/demarches/\(copy.definition.slug)/conception/\(path)"
        let typeLabel = ActionForm.typeNames.first { $0.0 == inputs.type }?.1 ?? inputs.type
        let statuses = copy.definition.workflow.statuses
        let vm = ActionVM(
            layout: try await req.layout(scope, title: (errors.isEmpty ? "" : "Erreur — ") + typeLabel), slug: scope.slug, demarche: copy.definition.slug,
            revision: copy.revision, back: base, action: "\(base)/action/\(index)", isNew: index == "nouvelle", typeLabel: typeLabel,
            inputs: inputs, errors: errors,
            isEmail: inputs.type == "email", isSMS: inputs.type == "sms", isWebhook: inputs.type == "webhook", isAssign: inputs.type == "assign",
            isSet: inputs.type == "set", isCorrection: inputs.type == "correction", isDocument: inputs.type == "document",
            recipients: [("citizen", "L'usager"), ("role", "Les agents d'un rôle"), ("address", "Une adresse")]
                .map { .init(value: $0.0, label: $0.1, selected: $0.0 == inputs.recipient) },
            statuses: [.init(value: "", label: "—", selected: false)] + statuses.map { s in
                .init(value: s.id, label: s.label, selected: s.id == (inputs.type == "webhook" ? inputs.onError : inputs.then))
            })
        return req.guichet.renderer.html("designer/designer_workflow_action", vm, status: status)
    }
}
