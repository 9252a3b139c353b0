import Expressions
import Foundation
import Workflow

/// A démarche as authored: its form and its workflow. Stored as one JSON document per published version;
/// a request stays bound to the version it was filed with.
public struct DemarcheDefinition: Sendable, Codable, Equatable {
    public var slug: String
    public var title: String
    public var summary: String
    /// At most one request per person (signed in, then): ever, or while their previous one is not closed.
    public var onePerPerson: OnePerPerson?
    /// How this démarche's personal data is handled where it differs from the collectivité's page (another
    /// controller, a longer retention, a recipient): shown on its form.
    public var privacy: String?
    /// The category of competence its requests belong to (`voirie`, `etat-civil`…), which routing reads; nil:
    /// none, or set by the routing rules from the answers.
    public var category: String?
    public var form: FormDefinition { didSet { workflowLogic = WorkflowLogic(workflow, fields: form.logic.types) } }
    public var workflow: WorkflowDefinition { didSet { workflowLogic = WorkflowLogic(workflow, fields: form.logic.types) } }
    /// The workflow's expressions compiled against the form's fields; follows `form` and `workflow`.
    public private(set) var workflowLogic: WorkflowLogic

    public init(slug: String, title: String, summary: String, onePerPerson: OnePerPerson? = nil, form: FormDefinition, workflow: WorkflowDefinition) {
        self.slug = slug; self.title = title; self.summary = summary; self.onePerPerson = onePerPerson; self.form = form; self.workflow = workflow
        workflowLogic = WorkflowLogic(workflow, fields: form.logic.types)
    }

    private enum CodingKeys: String, CodingKey { case slug, title, summary, onePerPerson, privacy, category, form, workflow }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(slug: try c.decode(String.self, forKey: .slug), title: try c.decode(String.self, forKey: .title),
                  summary: try c.decode(String.self, forKey: .summary), onePerPerson: try c.decodeIfPresent(OnePerPerson.self, forKey: .onePerPerson),
                  form: try c.decode(FormDefinition.self, forKey: .form),
                  workflow: try c.decode(WorkflowDefinition.self, forKey: .workflow))
        privacy = try c.decodeIfPresent(String.self, forKey: .privacy)
        category = try c.decodeIfPresent(String.self, forKey: .category)
    }

    public static func == (a: DemarcheDefinition, b: DemarcheDefinition) -> Bool {
        a.slug == b.slug && a.title == b.title && a.summary == b.summary && a.onePerPerson == b.onePerPerson && a.privacy == b.privacy && a.category == b.category && a.form == b.form
            && a.workflow == b.workflow
    }

    /// A workflow engine for this definition, on the given day and calendar.
    public func engine(calendar: Calendar, context: EvaluationContext) -> WorkflowEngine {
        WorkflowEngine(workflow: workflow, logic: workflowLogic, calendar: calendar, context: context)
    }

    /// A stored back-office field or webhook answer as expressions read it, with the type the workflow gives it
    /// (dates are kept as ISO text; webhook answers are text).
    public func backOfficeValue(_ name: String, _ stored: FieldValue) -> Value {
        stored.expressionValue(as: workflowLogic.backOfficeFields[name] ?? .text)
    }

    /// What workflow expressions see of a stored request: its answers under the form's names and types, its
    /// back-office fields, and the built-in names.
    public func expressionValues(data: [String: FieldValue], backOffice: [String: FieldValue], number: String,
                                 status: String, submitted: CivilDate) -> [String: Value] {
        var env = form.answerValues(data)
        // Computed dates are stored as text; their checked type says they are dates.
        for (name, type) in form.logic.types where type == .date {
            if case .text(let t)? = env[name] { env[name] = CivilDate(iso: t).map(Value.date) ?? .null }
        }
        for (name, value) in backOffice { env[name] = backOfficeValue(name, value) }
        env[WorkflowNames.number] = .text(number)
        env[WorkflowNames.status] = .text(workflow.status(status)?.label ?? status)
        env[WorkflowNames.submitted] = .date(submitted)
        env[WorkflowNames.demarche] = .text(title)
        return env
    }

    /// The data sources the form's choices read, in form order, each once.
    public var dataSourceIDs: [String] {
        var seen: Set<String> = []
        return form.fields.compactMap(\.dataSource).filter { seen.insert($0).inserted }
    }

    /// This definition as citizens and agents see it: each field that reads a data source offers that source's
    /// items as its options (an unknown or unreadable source offers none).
    public func resolvingSources(_ items: [String: [Choice]]) -> DemarcheDefinition {
        guard !dataSourceIDs.isEmpty else { return self }
        var resolved = self
        resolved.form = FormDefinition(fields: form.fields.map { field in
            guard let source = field.dataSource else { return field }
            var field = field
            field.options = items[source] ?? []
            return field
        })
        return resolved
    }

    /// Parses a definition and checks it; a definition with problems is refused with all of them.
    public static func parse(json: Data) -> Result<DemarcheDefinition, DefinitionError> {
        let definition: DemarcheDefinition
        do { definition = try JSONDecoder().decode(DemarcheDefinition.self, from: json) }
        catch { return .failure(DefinitionError(problems: ["Le document n'est pas une définition de démarche valide : \(Self.describe(error))"])) }
        let problems = definition.problems
        return problems.isEmpty ? .success(definition) : .failure(DefinitionError(problems: problems))
    }

    public var problems: [String] {
        var problems: [String] = []
        if !Self.isIdentifier(slug, allowDash: true) { problems.append("L'identifiant de la démarche doit être en minuscules, chiffres et tirets.") }
        if title.trimmingCharacters(in: .whitespaces).isEmpty { problems.append("La démarche doit avoir un titre.") }
        for status in workflow.statuses {
            if let amount = status.decisionAmount, !form.fields.contains(where: { $0.id == amount }), workflowLogic.backOfficeFields[amount] == nil {
                problems.append("Le montant accordé du statut « \(status.label) » renvoie à un champ inconnu « \(amount) ».")
            }
        }
        return problems + FormCheck.problems(in: form) + WorkflowCheck.problems(in: workflow, logic: workflowLogic)
    }

    /// Canonical JSON (sorted keys, pretty) used for storage and export, so an export re-imports identical.
    public func canonicalJSON() -> Data { canonicalJSONData(self) }

    static func isIdentifier(_ s: String, allowDash: Bool) -> Bool {
        !s.isEmpty && s.count <= 64 && s.unicodeScalars.allSatisfy {
            ($0 >= "a" && $0 <= "z") || ($0 >= "0" && $0 <= "9") || $0 == "_" || (allowDash && $0 == "-")
        }
    }

    static func describe(_ error: Error) -> String {
        switch error {
        case DecodingError.keyNotFound(let key, let ctx): "clé « \(key.stringValue) » manquante (\(path(ctx)))"
        case DecodingError.typeMismatch(_, let ctx), DecodingError.valueNotFound(_, let ctx): "type inattendu (\(path(ctx)))"
        case DecodingError.dataCorrupted(let ctx): ctx.codingPath.isEmpty ? "JSON illisible" : "valeur invalide (\(path(ctx)))"
        default: "JSON illisible"
        }
    }

    private static func path(_ ctx: DecodingError.Context) -> String {
        ctx.codingPath.map { $0.intValue.map(String.init) ?? $0.stringValue }.joined(separator: ".")
    }
}

/// How many requests one person may file for a démarche (an application to a competition: once; a permit they
/// renew: one at a time). It asks the citizen to sign in, since only an account tells people apart.
public enum OnePerPerson: String, Sendable, Codable, Equatable {
    case once
    case whileOpen = "while_open"
}

public struct DefinitionError: Error, Sendable, Equatable {
    public var problems: [String]
    public init(problems: [String]) { self.problems = problems }
}

/// Sorted keys, pretty-printed: the same value always gives the same bytes (storage, exports, comparisons).
func canonicalJSONData<T: Encodable>(_ value: T) -> Data {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
    return (try? encoder.encode(value)) ?? Data()
}
