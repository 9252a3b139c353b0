import Demarches
import Foundation
import Storage
import Vapor
import WebSupport
import Workflow

/// The designer's workflow editors: a status, a transition or a global action of the working copy, through
/// `WorkflowForms` (their actions are `DesignerActions`').
extension DesignerController {
    struct StatusVM {
        struct Option { var value: String; var label: String; var selected: Bool }
        var layout: Layout; var slug: String; var demarche: String; var revision: Int; var isNew: Bool
        var inputs: WorkflowForms.StatusInputs; var errors: [String: String]; var colours: [Option]
        /// What the status decides, and the number questions an accord's amount may come from.
        var decisions: [Option]; var amounts: [Option]
        var actions: ActionListVM
    }

    func statusEditor(req: Request) async throws -> Response {
        let (scope, copy) = try await open(req)
        let id = req.parameters.get("status") ?? "nouveau"
        if id == "nouveau" { return try await renderStatus(req, scope, copy, inputs: .init(), errors: [:], isNew: true) }
        guard let status = copy.definition.workflow.status(id) else { throw Abort(.notFound) }
        return try await renderStatus(req, scope, copy, inputs: WorkflowForms.inputs(of: status), errors: [:], isNew: false)
    }

    func saveStatus(req: Request) async throws -> Response {
        let (scope, copy) = try await open(req)
        let id = req.parameters.get("status") ?? "nouveau"
        let f = req.form
        let inputs = WorkflowForms.StatusInputs(id: id == "nouveau" ? f.value("identifiant").trimmingCharacters(in: .whitespaces) : id,
                                                label: f.value("libelle"), colour: f.value("couleur"), isEnd: f.value("fin") == "oui",
                                                visible: f.value("visible") == "oui", decision: f.value("decision"), amount: f.value("montant"))
        let isNew = id == "nouveau"
        let kept = isNew ? [] : copy.definition.workflow.actions(of: .status(id)) ?? []
        return try await saveElement(req, scope, copy, parsed: WorkflowForms.status(from: inputs, actions: kept), anchor: { _ in "statuts" },
                                     edit: { .putStatus(id: isNew ? nil : id, $0) },
                                     render: { errors, status in
                                         try await renderStatus(req, scope, copy, inputs: inputs, errors: errors, isNew: isNew, status: status)
                                     })
    }

    private func renderStatus(_ req: Request, _ scope: TenantScope, _ copy: WorkingCopy, inputs: WorkflowForms.StatusInputs, errors: [String: String],
                              isNew: Bool, status: HTTPResponseStatus = .ok) async throws -> Response {
        let vm = StatusVM(layout: try await req.layout(scope, title: (errors.isEmpty ? "" : "Erreur — ") + (isNew ? "Nouveau statut" : "Statut « \(inputs.label) »")),
                          slug: scope.slug, demarche: copy.definition.slug, revision: copy.revision, isNew: isNew, inputs: inputs, errors: errors,
                          colours: WorkflowForms.colourNames.map { .init(value: $0.0.rawValue, label: $0.1, selected: $0.0.rawValue == inputs.colour) },
                          decisions: [StatusVM.Option(value: "", label: "Aucune (la demande est seulement close)", selected: inputs.decision.isEmpty)]
                              + Decision.allCases.map { .init(value: $0.rawValue, label: $0.label, selected: $0.rawValue == inputs.decision) },
                          amounts: [StatusVM.Option(value: "", label: "Aucun", selected: inputs.amount.isEmpty)]
                              + copy.definition.form.fields.filter { $0.type == .number || $0.type == .computed }
                                  .map { .init(value: $0.id, label: $0.label, selected: $0.id == inputs.amount) },
                          actions: ActionListVM(copy, owner: isNew ? nil : .status(inputs.id), path: "statuts/\(inputs.id)", heading: "Actions à l'entrée dans le statut"))
        return req.guichet.renderer.html("designer/designer_status", vm, status: status)
    }

    struct TransitionVM {
        struct Option { var value: String; var label: String; var selected: Bool }
        var layout: Layout; var slug: String; var demarche: String; var revision: Int; var isNew: Bool
        var inputs: WorkflowForms.TransitionInputs; var errors: [String: String]
        var from: [Option]; var to: [Option]; var units: [Option]
        var isManual: Bool; var isAutomatic: Bool; var isAfter: Bool
        var roles: [RoleChoice]
        var actions: ActionListVM
    }

    /// A role to tick: the collectivité's services, and any the element names that it does not have (shown so the
    /// author sees and unticks it; publishing refuses it).
    struct RoleChoice { var value: String; var label: String; var checked: Bool; var inputID: String }

    func roleChoices(_ req: Request, _ scope: TenantScope, checked text: String) async throws -> [RoleChoice] {
        let checked = WorkflowForms.roleList(text)
        let services = try await req.store.serviceRoles(of: scope.slug)
        let known = Set(services.map(\.slug))
        let unknown = checked.filter { !known.contains($0) }.map { (slug: $0, name: "\($0) (n'existe pas dans la collectivité)") }
        return (services + unknown).map { RoleChoice(value: $0.slug, label: $0.name, checked: checked.contains($0.slug), inputID: "role-\($0.slug)") }
    }

    func transitionEditor(req: Request) async throws -> Response {
        let (scope, copy) = try await open(req)
        let id = req.parameters.get("transition") ?? "nouvelle"
        if id == "nouvelle" { return try await renderTransition(req, scope, copy, inputs: .init(), errors: [:], isNew: true) }
        guard let t = copy.definition.workflow.transition(id) else { throw Abort(.notFound) }
        return try await renderTransition(req, scope, copy, inputs: WorkflowForms.inputs(of: t), errors: [:], isNew: false)
    }

    func saveTransition(req: Request) async throws -> Response {
        let (scope, copy) = try await open(req)
        let id = req.parameters.get("transition") ?? "nouvelle"
        let f = req.form
        let inputs = WorkflowForms.TransitionInputs(
            id: id == "nouvelle" ? f.value("identifiant").trimmingCharacters(in: .whitespaces) : id, label: f.value("libelle"),
            from: f.values("depuis"), to: f.value("vers"), trigger: f.value("declenchement"), delayCount: f.value("delai"),
            delayUnit: f.value("unite"), roles: f.values("roles").joined(separator: ","), condition: f.value("condition"), notifies: f.value("avis") == "oui")
        let isNew = id == "nouvelle"
        let kept = isNew ? [] : copy.definition.workflow.actions(of: .transition(id)) ?? []
        return try await saveElement(req, scope, copy, parsed: WorkflowForms.transition(from: inputs, actions: kept), anchor: { _ in "transitions" },
                                     edit: { .putTransition(id: isNew ? nil : id, $0) },
                                     render: { errors, status in
                                         try await renderTransition(req, scope, copy, inputs: inputs, errors: errors, isNew: isNew, status: status)
                                     })
    }

    private func renderTransition(_ req: Request, _ scope: TenantScope, _ copy: WorkingCopy, inputs: WorkflowForms.TransitionInputs,
                                  errors: [String: String], isNew: Bool, status: HTTPResponseStatus = .ok) async throws -> Response {
        let statuses = copy.definition.workflow.statuses
        let vm = TransitionVM(
            layout: try await req.layout(scope, title: (errors.isEmpty ? "" : "Erreur — ") + (isNew ? "Nouvelle transition" : "Transition « \(inputs.label) »")),
            slug: scope.slug, demarche: copy.definition.slug, revision: copy.revision, isNew: isNew, inputs: inputs, errors: errors,
            from: statuses.map { .init(value: $0.id, label: $0.label, selected: inputs.from.contains($0.id)) },
            to: statuses.map { .init(value: $0.id, label: $0.label, selected: $0.id == inputs.to) },
            units: WorkflowForms.units.map { .init(value: $0.0, label: $0.1, selected: $0.0 == inputs.delayUnit) },
            isManual: inputs.trigger == "manual", isAutomatic: inputs.trigger == "automatic", isAfter: inputs.trigger == "after",
            roles: try await roleChoices(req, scope, checked: inputs.roles),
            actions: ActionListVM(copy, owner: isNew ? nil : .transition(inputs.id), path: "transitions/\(inputs.id)", heading: "Actions de la transition"))
        return req.guichet.renderer.html("designer/designer_transition", vm, status: status)
    }

    // MARK: - Global action editor

    struct GlobalActionVM {
        var layout: Layout; var slug: String; var demarche: String; var revision: Int; var isNew: Bool
        var inputs: WorkflowForms.GlobalActionInputs; var errors: [String: String]
        var roles: [RoleChoice]
        var actions: ActionListVM
    }

    func globalActionEditor(req: Request) async throws -> Response {
        let (scope, copy) = try await open(req)
        let id = req.parameters.get("action") ?? "nouvelle"
        if id == "nouvelle" { return try await renderGlobalAction(req, scope, copy, inputs: .init(), errors: [:], isNew: true) }
        guard let action = copy.definition.workflow.globalActions.first(where: { $0.id == id }) else { throw Abort(.notFound) }
        return try await renderGlobalAction(req, scope, copy, inputs: WorkflowForms.inputs(of: action), errors: [:], isNew: false)
    }

    func saveGlobalAction(req: Request) async throws -> Response {
        let (scope, copy) = try await open(req)
        let id = req.parameters.get("action") ?? "nouvelle"
        let f = req.form
        let inputs = WorkflowForms.GlobalActionInputs(id: id == "nouvelle" ? f.value("identifiant").trimmingCharacters(in: .whitespaces) : id,
                                                      label: f.value("libelle"), roles: f.values("roles").joined(separator: ","))
        let isNew = id == "nouvelle"
        let kept = isNew ? [] : copy.definition.workflow.actions(of: .globalAction(id)) ?? []
        return try await saveElement(req, scope, copy, parsed: WorkflowForms.globalAction(from: inputs, actions: kept), anchor: { _ in "actions-globales" },
                                     edit: { .putGlobalAction(id: isNew ? nil : id, $0) },
                                     render: { errors, status in
                                         try await renderGlobalAction(req, scope, copy, inputs: inputs, errors: errors, isNew: isNew, status: status)
                                     })
    }

    private func renderGlobalAction(_ req: Request, _ scope: TenantScope, _ copy: WorkingCopy, inputs: WorkflowForms.GlobalActionInputs,
                                    errors: [String: String], isNew: Bool, status: HTTPResponseStatus = .ok) async throws -> Response {
        let vm = GlobalActionVM(layout: try await req.layout(scope, title: (errors.isEmpty ? "" : "Erreur — ") + (isNew ? "Nouvelle action globale" : "Action « \(inputs.label) »")),
                                slug: scope.slug, demarche: copy.definition.slug, revision: copy.revision, isNew: isNew, inputs: inputs, errors: errors,
                                roles: try await roleChoices(req, scope, checked: inputs.roles),
                                actions: ActionListVM(copy, owner: isNew ? nil : .globalAction(inputs.id), path: "actions/\(inputs.id)", heading: "Ce que fait le bouton"))
        return req.guichet.renderer.html("designer/designer_action", vm, status: status)
    }
}
