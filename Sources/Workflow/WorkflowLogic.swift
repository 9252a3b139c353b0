import Expressions

/// The names every workflow expression may use besides the form's fields.
public enum WorkflowNames {
    public static let number = "numero_demande"
    public static let status = "statut_demande"
    public static let submitted = "date_depot"
    public static let demarche = "demarche"
    public static let builtin: [String: ValueType] = [number: .text, status: .text, submitted: .date, demarche: .text]

    /// Where a webhook's answer is kept, readable by later expressions.
    public static func webhookResponse(_ id: String) -> String { "reponse_\(id)" }
}

/// A workflow's expressions compiled once per definition: conditions and templates parsed and type-checked
/// against the form's fields, and the problems found, which `WorkflowCheck` reports. Running a workflow then
/// looks the trees up by their source: nothing is parsed per request.
public final class WorkflowLogic: Sendable {
    /// Every name an expression may read, with its type: fields, built-in names, back-office fields, webhook answers.
    public let types: [String: ValueType]
    /// Back-office fields the workflow sets, with their types.
    public let backOfficeFields: [String: ValueType]
    let expressions: [String: Expr]
    let templates: [String: TextTemplate]
    public let problems: [String]

    public init(_ workflow: WorkflowDefinition, fields: [String: ValueType]) {
        var problems: [String] = []
        var types = fields
        for (name, type) in WorkflowNames.builtin {
            if fields[name] != nil { problems.append("Le champ « \(name) » du formulaire porte un nom réservé au workflow.") }
            types[name] = type
        }
        let actions = Self.allActions(workflow)
        for case .webhook(let id, _, _) in actions.map(\.action) { types[WorkflowNames.webhookResponse(id)] = .text }

        // Back-office fields may be computed from one another: type them in as many passes as it takes.
        var sets: [(field: String, source: String)] = []
        for case .set(let field, let source, _) in actions.map(\.action) where !sets.contains(where: { $0 == (field, source) }) {
            sets.append((field, source))
        }
        var backOffice: [String: ValueType] = [:]
        var expressions: [String: Expr] = [:]
        var pending = sets
        while !pending.isEmpty {
            var progressed = false
            pending.removeAll { set in
                guard let expr = try? Parser.parse(set.source), let type = try? Checker.type(of: expr, fields: types.merging(backOffice) { a, _ in a }) else { return false }
                expressions[set.source] = expr
                if fields[set.field] != nil {
                    problems.append("Le champ de suivi « \(set.field) » porte le nom d'un champ du formulaire.")
                } else if let known = backOffice[set.field], known != type {
                    problems.append("Le champ de suivi « \(set.field) » reçoit tantôt \(known.frenchWithArticle), tantôt \(type.frenchWithArticle).")
                } else {
                    backOffice[set.field] = type
                }
                progressed = true
                return true
            }
            if !progressed { break }
        }
        types.merge(backOffice) { a, _ in a }
        for set in pending {
            do { _ = try Checker.type(of: try Parser.parse(set.source), fields: types) }
            catch { problems.append("Dans le calcul du champ de suivi « \(set.field) » : \(error.description) (« \(set.source) »).") }
        }

        var templates: [String: TextTemplate] = [:]
        func template(_ source: String, _ what: String) {
            guard templates[source] == nil else { return }
            do { templates[source] = try TextTemplate(source, fields: types) }
            catch { problems.append("Dans \(what) : \(error.description).") }
        }
        for (action, place) in actions {
            switch action {
            case .email(_, let subject, let body): template(subject, "l'objet d'un e-mail (\(place))"); template(body, "le texte d'un e-mail (\(place))")
            case .sms(let to, let text): template(to, "le destinataire d'un SMS (\(place))"); template(text, "le texte d'un SMS (\(place))")
            case .correction(let message, _): template(message, "le message de correction (\(place))")
            case .document(_, let title, let body, _): template(title, "le titre du document (\(place))"); template(body, "le document (\(place))")
            default: break
            }
        }
        for t in workflow.transitions {
            guard let source = t.condition else { continue }
            do { expressions[source] = try Checker.condition(source, fields: types) }
            catch { problems.append("Dans la condition de la transition « \(t.label) » : \(error.description) (« \(source) »).") }
        }
        self.types = types
        self.backOfficeFields = backOffice
        self.expressions = expressions
        self.templates = templates
        self.problems = problems
    }

    /// Every action with where it is, in French, for messages.
    static func allActions(_ workflow: WorkflowDefinition) -> [(action: WorkflowAction, place: String)] {
        workflow.statuses.flatMap { s in s.onEnter.map { ($0, "à l'entrée du statut « \(s.label) »") } }
            + workflow.transitions.flatMap { t in t.actions.map { ($0, "dans la transition « \(t.label) »") } }
            + workflow.globalActions.flatMap { g in g.actions.map { ($0, "dans l'action « \(g.label) »") } }
    }

    func expression(_ source: String) -> Expr? { expressions[source] }
    func template(_ source: String) -> TextTemplate? { templates[source] }
}
