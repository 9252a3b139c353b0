import Demarches
import Foundation
import Storage
import Vapor
import WebSupport
import Workflow

/// The designer: a démarche's working copy edited element by element — the form's fields and pages (add, move,
/// configure, remove), the workflow's statuses and transitions — with every problem listed as it stands, then
/// published as a new version when there are none. Each edit carries the copy's revision; an edit made from a
/// stale page is refused rather than undoing a colleague's change.
struct DesignerController {
    // MARK: - New démarche

    struct NewVM { var layout: Layout; var slug: String; var id: String; var title: String; var errors: [String: String] }

    func newForm(req: Request) async throws -> Response {
        let scope = try await req.authorScope()
        return req.guichet.renderer.html("designer/designer_new", NewVM(layout: try await req.layout(scope, title: "Nouvelle démarche"),
                                                                         slug: scope.slug, id: "", title: "", errors: [:]))
    }

    func create(req: Request) async throws -> Response {
        let scope = try await req.authorScope()
        let id = req.form.value("identifiant").trimmingCharacters(in: .whitespaces)
        let title = req.form.value("titre").trimmingCharacters(in: .whitespaces)
        var errors: [String: String] = [:]
        if title.isEmpty { errors["titre"] = "Le titre est obligatoire." }
        let skeleton = DemarcheDefinition.skeleton(slug: id, title: title)
        if skeleton.problems.contains(where: { $0.hasPrefix("L'identifiant de la démarche") }) {
            errors["identifiant"] = "En minuscules, chiffres et tirets (par exemple permis-de-vegetaliser)."
        }
        if errors.isEmpty {
            do {
                try await req.store.createWorkingCopy(skeleton, in: scope)
                return req.redirect(to: "/bo/\(scope.slug)/demarches/\(id)/conception", redirectType: .normal)
            } catch let error as DefinitionError { errors["identifiant"] = error.problems.first }
        }
        return req.guichet.renderer.html("designer/designer_new", NewVM(layout: try await req.layout(scope, title: "Erreur — Nouvelle démarche"),
                                                                         slug: scope.slug, id: id, title: title, errors: errors),
                                         status: .unprocessableEntity)
    }

    // MARK: - Overview

    struct DesignerVM {
        struct FieldRow { var id: String; var label: String; var type: String; var required: Bool; var condition: String?; var isPage: Bool; var first: Bool; var last: Bool }
        struct StatusRow { var id: String; var label: String; var colour: String; var isEnd: Bool; var visible: Bool; var isInitial: Bool; var actions: Int }
        struct TransitionRow { var id: String; var label: String; var from: String; var to: String; var trigger: String; var roles: String }
        struct TypeOption { var value: String; var label: String; var selected = false }
        struct ActionRow { var id: String; var label: String; var roles: String; var actions: Int }
        var layout: Layout
        var slug: String
        var demarche: String
        var title: String
        var summary: String
        var privacy: String
        var revision: Int
        var basedOn: Int?
        /// Nothing edited yet: the page shows the current version, and the first edit makes the working copy.
        var isFresh: Bool
        var updated: String
        var problems: [String]
        var limits: [TypeOption]
        var fields: [FieldRow]
        var statuses: [StatusRow]
        var transitions: [TransitionRow]
        var globalActions: [ActionRow]
        var deadlineCount: String
        var deadlineUnits: [TypeOption]
        var silences: [TypeOption]
        var deadlineStatuses: [TypeOption]
        var types: [TypeOption]
    }

    func show(req: Request) async throws -> Response {
        let (scope, copy) = try await open(req)
        let d = copy.definition
        let known = try await req.store.dataSources(in: scope)
        let roles = Set(try await req.store.serviceRoles(of: scope.slug).map(\.slug)).union(["admin"])
        let problems = d.problems + d.dataSourceIDs.filter { known[$0] == nil }.map { "La source de données « \($0) » n'existe pas." }
            + d.workflow.unknownRoleProblems(known: roles)
        let fields = d.form.fields.enumerated().map { i, f in
            DesignerVM.FieldRow(id: f.id, label: f.label, type: FieldForm.typeName(f.type), required: f.required, condition: f.condition,
                                isPage: f.type == .page, first: i == 0, last: i == d.form.fields.count - 1)
        }
        let w = d.workflow
        func label(_ id: String) -> String { w.status(id)?.label ?? id }
        let vm = DesignerVM(
            layout: try await req.layout(scope, title: "Conception — \(d.title)"), slug: scope.slug, demarche: d.slug, title: d.title,
            summary: d.summary, privacy: d.privacy ?? "", revision: copy.revision, basedOn: copy.basedOnVersion, isFresh: copy.revision == 0,
            updated: FrenchDate.string(copy.updatedAt) + (copy.author.map { " par \($0)" } ?? ""), problems: problems,
            limits: [("", "Non : autant de demandes que voulu"), ("while_open", "Une à la fois (la précédente doit être close)"),
                     ("once", "Une seule, une fois pour toutes")].map { .init(value: $0.0, label: $0.1, selected: $0.0 == (d.onePerPerson?.rawValue ?? "")) },
            fields: fields,
            statuses: w.statuses.map { .init(id: $0.id, label: $0.label, colour: $0.colour.rawValue, isEnd: $0.isEnd, visible: $0.visibleToCitizen,
                                             isInitial: $0.id == w.initialStatus, actions: $0.onEnter.count) },
            transitions: w.transitions.map { t in
                let trigger = switch t.trigger {
                case .manual: "Bouton"
                case .automatic: "Automatique"
                case .after(let delay): "Après \(delay.french)"
                }
                return .init(id: t.id, label: t.label, from: t.from.map(label).joined(separator: ", "), to: label(t.to), trigger: trigger,
                             roles: t.roles.joined(separator: ", "))
            },
            globalActions: w.globalActions.map { .init(id: $0.id, label: $0.label, roles: $0.roles.joined(separator: ", "), actions: $0.actions.count) },
            deadlineCount: w.deadline.map { WorkflowForms.parts(of: $0.delay).count } ?? "",
            deadlineUnits: WorkflowForms.units.map { .init(value: $0.0, label: $0.1, selected: $0.0 == (w.deadline.map { WorkflowForms.parts(of: $0.delay).unit } ?? "months")) },
            silences: [("rejet", "le silence vaut rejet"), ("accord", "le silence vaut accord")]
                .map { .init(value: $0.0, label: $0.1, selected: $0.0 == (w.deadline?.silence.rawValue ?? "rejet")) },
            deadlineStatuses: w.statuses.filter(\.isEnd).map { .init(value: $0.id, label: $0.label, selected: $0.id == w.deadline?.status) },
            types: FieldForm.typeNames.map { .init(value: $0.0.rawValue, label: $0.1) })
        return req.guichet.renderer.html("designer/designer", vm)
    }

    func header(req: Request) async throws -> Response {
        try await apply(req) { _ in
            .setHeader(title: req.form.value("titre").trimmingCharacters(in: .whitespaces), summary: req.form.value("presentation"),
                       onePerPerson: OnePerPerson(rawValue: req.form.value("une_par_personne")),
                       privacy: Optional(req.form.value("donnees").trimmingCharacters(in: .whitespacesAndNewlines)).flatMap { $0.isEmpty ? nil : String($0.prefix(5000)) })
        }
    }

    func moveField(req: Request) async throws -> Response {
        try await apply(req) { _ in .moveField(id: req.parameters.get("field") ?? "", offset: req.form.value("sens") == "haut" ? -1 : 1) }
    }

    func removeField(req: Request) async throws -> Response {
        try await remove(req, .removeField(id: req.parameters.get("field") ?? ""), anchor: "formulaire")
    }

    func removeStatus(req: Request) async throws -> Response {
        try await remove(req, .removeStatus(id: req.parameters.get("status") ?? ""), anchor: "statuts")
    }

    struct ConfirmVM {
        var layout: Layout
        var slug: String
        var demarche: String
        var heading: String
        var consequences: [String]
        var action: String
        var revision: Int
        var confirmLabel: String
        var cancelURL: String
    }

    /// A removal is confirmed on a page of its own that says what goes with it (`DesignRemoval`); the post
    /// carrying `confirmer=oui` applies it.
    func remove(_ req: Request, _ edit: DesignEdit, anchor: String) async throws -> Response {
        guard req.form.value("confirmer") != "oui" else { return try await apply(req) { _ in edit } }
        let (scope, copy) = try await open(req)
        guard let removal = DesignRemoval(edit, in: copy.definition) else { throw Abort(.notFound) }
        let base = "/bo/\(scope.slug)/demarches/\(copy.definition.slug)/conception"
        let vm = ConfirmVM(layout: try await req.layout(scope, title: "Supprimer \(removal.what)"), slug: scope.slug, demarche: copy.definition.slug,
                           heading: "Supprimer \(removal.what) ?", consequences: removal.consequences,
                           action: req.url.path, revision: copy.revision, confirmLabel: "Supprimer", cancelURL: "\(base)#\(anchor)")
        return req.guichet.renderer.html("designer/confirm", vm)
    }

    func initialStatus(req: Request) async throws -> Response {
        try await apply(req) { _ in .setInitialStatus(req.form.value("statut")) }
    }

    func removeTransition(req: Request) async throws -> Response {
        try await remove(req, .removeTransition(id: req.parameters.get("transition") ?? ""), anchor: "transitions")
    }

    func deadline(req: Request) async throws -> Response {
        let f = req.form
        switch WorkflowForms.deadline(count: f.value("delai_legal"), unit: f.value("unite"), silence: f.value("silence"), status: f.value("statut_final")) {
        case .success(let deadline): return try await apply(req) { _ in .setDeadline(deadline) }
        case .failure(let errors):
            let (scope, copy) = try await open(req)
            req.flash("Délai légal non enregistré : " + errors.messages.values.joined(separator: " "))
            return overview(req, scope, copy, anchor: "delai")
        }
    }

    func removeGlobalAction(req: Request) async throws -> Response {
        try await remove(req, .removeGlobalAction(id: req.parameters.get("action") ?? ""), anchor: "actions-globales")
    }

    /// Publishes the copy (online or offline) when it has no problem; otherwise the overview lists them.
    func publish(req: Request) async throws -> Response {
        let (scope, copy) = try await open(req)
        let online = req.form.value("en_ligne") == "oui"
        do {
            let published = try await req.store.publishWorkingCopy(slug: copy.definition.slug, revision: Int(req.form.value("revision")) ?? -1,
                                                                   online: online, in: scope)
            req.flash("Version \(published.version) publiée, \(online ? "en ligne" : "hors ligne").")
            return req.redirect(to: "/bo/\(scope.slug)/demarches/\(copy.definition.slug)", redirectType: .normal)
        } catch let error as DefinitionError {
            req.flash("Publication impossible : " + error.problems.joined(separator: " "))
        } catch StoreError.conflict(let message) {
            req.flash(message + " Rechargez la page.")
        }
        return req.redirect(to: "/bo/\(scope.slug)/demarches/\(copy.definition.slug)/conception", redirectType: .normal)
    }

    func discard(req: Request) async throws -> Response {
        let (scope, copy) = try await open(req)
        guard req.form.value("confirmer") == "oui" else {
            let base = "/bo/\(scope.slug)/demarches/\(copy.definition.slug)/conception"
            let vm = ConfirmVM(layout: try await req.layout(scope, title: "Abandonner les modifications"), slug: scope.slug, demarche: copy.definition.slug,
                               heading: "Abandonner les modifications ?",
                               consequences: [copy.basedOnVersion.map { "Tout ce qui a été changé depuis la version \($0) est perdu ; la version publiée reste telle quelle." }
                                              ?? "La démarche n'a jamais été publiée : elle est supprimée avec tout ce qui a été conçu."],
                               action: req.url.path, revision: copy.revision, confirmLabel: "Abandonner les modifications", cancelURL: base)
            return req.guichet.renderer.html("designer/confirm", vm)
        }
        try await req.store.discardWorkingCopy(slug: copy.definition.slug, in: scope)
        req.flash("Modifications abandonnées.")
        return req.redirect(to: copy.basedOnVersion == nil ? "/bo/\(scope.slug)/demarches" : "/bo/\(scope.slug)/demarches/\(copy.definition.slug)",
                            redirectType: .normal)
    }

    // MARK: - Helpers

    /// Saves an element read from its editor: back to the editor with a message per input when the inputs make no
    /// sense or the edit is refused (nothing saved), else to the overview at the element.
    func saveElement<Element>(_ req: Request, _ scope: TenantScope, _ copy: WorkingCopy, parsed: Result<Element, FieldForm.Errors>,
                                      anchor: (Element) -> String, edit: (Element) -> DesignEdit,
                                      render: ([String: String], HTTPResponseStatus) async throws -> Response,
                                      to page: String? = nil) async throws -> Response {
        switch parsed {
        case .failure(let errors):
            return try await render(errors.messages, .unprocessableEntity)
        case .success(let element):
            do { try await save(req, scope, copy, copy.definition.applying(edit(element))) }
            catch let error as DefinitionError { return try await render(["identifiant": error.problems.joined(separator: " ")], .unprocessableEntity) }
            return page.map { designerPage(req, scope, copy, $0) } ?? overview(req, scope, copy, anchor: anchor(element))
        }
    }

    /// The démarche's working copy (its current version as revision 0 until a first edit), for its collectivité's
    /// authors.
    func open(_ req: Request) async throws -> (TenantScope, WorkingCopy) {
        let scope = try await req.authorScope()
        guard let copy = try await req.store.workingCopyOrCurrent(slug: req.parameters.get("demarche") ?? "", in: scope) else { throw Abort(.notFound) }
        return (scope, copy)
    }

    /// Applies a one-click edit (move, remove…) and returns to the overview; a refused edit says why there.
    func apply(_ req: Request, to page: String? = nil, _ edit: (WorkingCopy) throws -> DesignEdit) async throws -> Response {
        let (scope, copy) = try await open(req)
        do { try await save(req, scope, copy, copy.definition.applying(try edit(copy))) }
        catch let error as DefinitionError { req.flash(error.problems.joined(separator: " ")) }
        return page.map { designerPage(req, scope, copy, $0) } ?? overview(req, scope, copy, anchor: nil)
    }

    /// Saves the edited copy if the page was drawn from its current revision; otherwise says so, changing nothing.
    func save(_ req: Request, _ scope: TenantScope, _ copy: WorkingCopy, _ definition: DemarcheDefinition) async throws {
        guard Int(req.form.value("revision")) == copy.revision else {
            req.flash("La conception a été modifiée entre-temps (dans un autre onglet ou par un collègue) : votre modification n'a pas été enregistrée. Voici la version à jour.")
            return
        }
        do { try await req.store.saveWorkingCopy(definition, revision: copy.revision, basedOn: copy.basedOnVersion, in: scope) }
        catch StoreError.conflict(let message) { req.flash(message + " Votre modification n'a pas été enregistrée.") }
    }

    /// A page of the designer, by its path under `…/conception/` (an element's editor).
    func designerPage(_ req: Request, _ scope: TenantScope, _ copy: WorkingCopy, _ page: String) -> Response {
        req.redirect(to: "/bo/\(scope.slug)/demarches/\(copy.definition.slug)/conception/\(page)", redirectType: .normal)
    }

    func overview(_ req: Request, _ scope: TenantScope, _ copy: WorkingCopy, anchor: String?) -> Response {
        req.redirect(to: "/bo/\(scope.slug)/demarches/\(copy.definition.slug)/conception" + (anchor.map { "#\($0)" } ?? ""), redirectType: .normal)
    }
}
