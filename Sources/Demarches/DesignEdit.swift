import Foundation
import Workflow

/// One change the designer makes to a working copy. An edit refuses only what would leave the copy ambiguous (two
/// elements with one identifier, an element that does not exist); anything else — a condition naming a later
/// field, a status left without exit — is allowed while designing and listed by `problems` until fixed, so an
/// author builds a démarche step by step. Publishing needs no problems at all.
public enum DesignEdit: Sendable, Equatable {
    case setHeader(title: String, summary: String, onePerPerson: OnePerPerson?, privacy: String?)
    case addField(Field, after: String?)
    case replaceField(id: String, with: Field)
    case moveField(id: String, offset: Int)
    case removeField(id: String)
    /// Adds a status (`id` nil) or replaces the one with that identifier (which does not change).
    case putStatus(id: String?, Status)
    /// Removes a status, the transitions that lead to it, and it from the transitions that leave it.
    case removeStatus(id: String)
    case setInitialStatus(String)
    case putTransition(id: String?, Transition)
    case removeTransition(id: String)
    case putGlobalAction(id: String?, GlobalAction)
    case removeGlobalAction(id: String)
    /// The legal deadline, or none.
    case setDeadline(LegalDeadline?)
    /// The actions a status runs on entry, a transition runs, or a global action is.
    case setActions(ActionOwner, [WorkflowAction])
}

/// What runs a list of actions in a workflow.
public enum ActionOwner: Sendable, Equatable {
    case status(String), transition(String), globalAction(String)
}

extension WorkflowDefinition {
    /// The actions an owner runs; nil when it does not exist.
    public func actions(of owner: ActionOwner) -> [WorkflowAction]? {
        switch owner {
        case .status(let id): statuses.first { $0.id == id }?.onEnter
        case .transition(let id): transitions.first { $0.id == id }?.actions
        case .globalAction(let id): globalActions.first { $0.id == id }?.actions
        }
    }
}

extension DemarcheDefinition {
    /// A new démarche to design from: one question, and a workflow from « Reçue » to « Traitée ».
    public static func skeleton(slug: String, title: String) -> DemarcheDefinition {
        DemarcheDefinition(
            slug: slug, title: title, summary: "",
            form: FormDefinition(fields: [
                Field(id: "objet", label: "Objet de votre demande", type: .longText, required: true),
                Field(id: "email", label: "Votre adresse e-mail", type: .email, required: true),
            ]),
            workflow: WorkflowDefinition(
                initialStatus: "recue",
                statuses: [Status(id: "recue", label: "Reçue", colour: .blue), Status(id: "traitee", label: "Traitée", colour: .green, isEnd: true)],
                transitions: [Transition(id: "traiter", label: "Marquer comme traitée", from: ["recue"], to: "traitee", roles: ["accueil"])]))
    }

    public func applying(_ edit: DesignEdit) throws(DefinitionError) -> DemarcheDefinition {
        var d = self
        var fields = form.fields
        func index(_ id: String) throws(DefinitionError) -> Int {
            guard let i = fields.firstIndex(where: { $0.id == id }) else { throw DefinitionError(problems: ["Le champ « \(id) » n'existe pas."]) }
            return i
        }
        func unique(_ id: String, except: String? = nil) throws(DefinitionError) {
            if id != except, fields.contains(where: { $0.id == id }) {
                throw DefinitionError(problems: ["Un autre champ a déjà l'identifiant « \(id) »."])
            }
        }
        var workflow = self.workflow
        switch edit {
        case .setHeader(let title, let summary, let onePerPerson, let privacy):
            d.title = title; d.summary = summary; d.onePerPerson = onePerPerson; d.privacy = privacy
            return d
        case .addField(let field, let after):
            try unique(field.id)
            fields.insert(field, at: try after.map { id throws(DefinitionError) in try index(id) + 1 } ?? fields.count)
        case .replaceField(let id, let field):
            let i = try index(id)
            try unique(field.id, except: id)
            fields[i] = field
        case .moveField(let id, let offset):
            let i = try index(id)
            let j = i + offset
            guard fields.indices.contains(j) else { return self }
            fields.swapAt(i, j)
        case .removeField(let id):
            fields.remove(at: try index(id))
        case .putStatus(let id, let status):
            // Statuses are named by transitions, deadlines, corrections and error branches: their identifier stays.
            if let id, status.id != id { throw DefinitionError(problems: ["Le statut « \(id) » n'existe pas."]) }
            try Self.put(status, replacing: id, in: &workflow.statuses, id: \.id, taken: "Un autre statut", missing: "Le statut")
        case .removeStatus(let id):
            try Self.remove(id, from: &workflow.statuses, id: \.id, missing: "Le statut")
            workflow.transitions = workflow.transitions.compactMap { t in
                guard t.to != id else { return nil }
                var t = t
                t.from.removeAll { $0 == id }
                return t.from.isEmpty ? nil : t
            }
        case .setInitialStatus(let id):
            guard workflow.statuses.contains(where: { $0.id == id }) else { throw DefinitionError(problems: ["Le statut « \(id) » n'existe pas."]) }
            workflow.initialStatus = id
        case .putTransition(let id, let transition):
            try Self.put(transition, replacing: id, in: &workflow.transitions, id: \.id, taken: "Une autre transition", missing: "La transition")
        case .removeTransition(let id):
            try Self.remove(id, from: &workflow.transitions, id: \.id, missing: "La transition")
        case .putGlobalAction(let id, let action):
            try Self.put(action, replacing: id, in: &workflow.globalActions, id: \.id, taken: "Une autre action globale", missing: "L'action")
        case .removeGlobalAction(let id):
            try Self.remove(id, from: &workflow.globalActions, id: \.id, missing: "L'action")
        case .setDeadline(let deadline):
            workflow.deadline = deadline
        case .setActions(let owner, let actions):
            switch owner {
            case .status(let id):
                guard let i = workflow.statuses.firstIndex(where: { $0.id == id }) else { throw DefinitionError(problems: ["Le statut « \(id) » n'existe pas."]) }
                workflow.statuses[i].onEnter = actions
            case .transition(let id):
                guard let i = workflow.transitions.firstIndex(where: { $0.id == id }) else { throw DefinitionError(problems: ["La transition « \(id) » n'existe pas."]) }
                workflow.transitions[i].actions = actions
            case .globalAction(let id):
                guard let i = workflow.globalActions.firstIndex(where: { $0.id == id }) else { throw DefinitionError(problems: ["L'action « \(id) » n'existe pas."]) }
                workflow.globalActions[i].actions = actions
            }
        }
        if fields != form.fields { d.form = FormDefinition(fields: fields) }
        if workflow != self.workflow { d.workflow = workflow }
        return d
    }

    /// Adds `element` (`id` nil) or replaces the element with identifier `id`; refused when another element
    /// already has the new identifier, or when `id` names none.
    private static func put<T>(_ element: T, replacing id: String?, in list: inout [T], id key: KeyPath<T, String>,
                               taken: String, missing: String) throws(DefinitionError) {
        let newID = element[keyPath: key]
        if newID != id, list.contains(where: { $0[keyPath: key] == newID }) {
            throw DefinitionError(problems: ["\(taken) a déjà l'identifiant « \(newID) »."])
        }
        guard let id else { list.append(element); return }
        guard let i = list.firstIndex(where: { $0[keyPath: key] == id }) else { throw DefinitionError(problems: ["\(missing) « \(id) » n'existe pas."]) }
        list[i] = element
    }

    private static func remove<T>(_ id: String, from list: inout [T], id key: KeyPath<T, String>, missing: String) throws(DefinitionError) {
        guard list.contains(where: { $0[keyPath: key] == id }) else { throw DefinitionError(problems: ["\(missing) « \(id) » n'existe pas."]) }
        list.removeAll { $0[keyPath: key] == id }
    }
}
