import Expressions

/// A form's logic compiled once per definition (see `FormDefinition.logic`): its pages, its conditions and
/// computed expressions parsed and type-checked, and the problems found doing so, which `FormCheck` reports.
/// Evaluating a form then walks ready trees: nothing is parsed per submission.
public final class FormLogic: Sendable {
    public struct Page: Sendable {
        /// Position in the form's pages, from 0.
        public let index: Int
        /// The page break that opens it; nil for a first page that has none.
        public let pageField: Field?
        /// Indices in `FormDefinition.fields` of the page's fields (its page break excluded).
        public let fieldIndices: [Int]
        let postConditions: [(expr: Expr, message: String)]

        /// Whether a posted key answers one of this page's fields: a page may only change its own answers.
        public func owns(rawKey key: String, in form: FormDefinition) -> Bool {
            fieldIndices.contains { form.fields[$0].owns(rawKey: key) }
        }
    }

    public let pages: [Page]
    /// The page each field is on, by field index.
    private let fieldPages: [Int]
    public func pageOfField(_ index: Int) -> Int { fieldPages[index] }
    /// Parsed conditions and computed expressions, by field index (nil: none, or it did not check).
    let conditions: [Expr?]
    let expressions: [Expr?]
    /// The type an expression sees for each name (fields, range ends, computed fields).
    public let types: [String: ValueType]
    public let problems: [String]

    init(_ fields: [Field]) {
        var types: [String: ValueType] = [:]
        var problems: [String] = []
        var conditions = [Expr?](repeating: nil, count: fields.count)
        var expressions = [Expr?](repeating: nil, count: fields.count)
        var pages: [Page] = []
        var pageOfField = [Int](repeating: 0, count: fields.count)
        var current: (field: Field?, indices: [Int]) = (nil, [])
        let allIDs = Set(fields.map(\.id))

        func closePage() {
            var checks: [(Expr, String)] = []
            for post in current.field?.postConditions ?? [] {
                // A page's checks see the fields of that page and before it.
                if let expr = Self.check(post.condition, what: "une vérification de la page « \(current.field?.label ?? "") »",
                                         types: types, later: allIDs, problems: &problems) {
                    checks.append((expr, post.message))
                }
            }
            if current.field != nil || !current.indices.isEmpty {
                pages.append(Page(index: pages.count, pageField: current.field, fieldIndices: current.indices, postConditions: checks))
            }
        }

        for (i, field) in fields.enumerated() {
            let name = field.label.isEmpty ? field.id : field.label
            if field.type == .page {
                closePage()
                current = (field, [])
            } else {
                current.indices.append(i)
            }
            // The open page will be appended at `pages.count` (an empty implicit first page is never appended).
            pageOfField[i] = pages.count
            if let source = field.condition {
                conditions[i] = Self.check(source, what: "la condition de « \(name) »", types: types, later: allIDs, problems: &problems)
            }
            if field.type == .computed {
                if let source = field.expression, !source.trimmingCharacters(in: .whitespaces).isEmpty {
                    do {
                        let expr = try Parser.parse(source)
                        types[field.id] = try Checker.type(of: expr, fields: types)
                        expressions[i] = expr
                    } catch {
                        problems.append(Self.describe(error, what: "le calcul de « \(name) »", source: source, types: types, later: allIDs))
                    }
                } else {
                    problems.append("Le champ calculé « \(name) » n'a pas d'expression.")
                }
            } else if let type = field.type.expressionType {
                types[field.id] = type
            } else if let ends = field.type.rangeEnds {
                types["\(field.id)_debut"] = ends
                types["\(field.id)_fin"] = ends
            }
        }
        closePage()
        self.pages = pages.isEmpty ? [Page(index: 0, pageField: nil, fieldIndices: [], postConditions: [])] : pages
        self.fieldPages = pageOfField
        self.conditions = conditions
        self.expressions = expressions
        self.types = types
        self.problems = problems
    }

    /// Parses and checks a condition against the names seen so far; records a problem and returns nil if it fails.
    private static func check(_ source: String, what: String, types: [String: ValueType], later: Set<String>,
                              problems: inout [String]) -> Expr? {
        do { return try Checker.condition(source, fields: types) }
        catch {
            problems.append(describe(error, what: what, source: source, types: types, later: later))
            return nil
        }
    }

    /// A designer-facing sentence. Naming a field that exists but comes later gets its own explanation, since
    /// "unknown field" would puzzle an author looking right at it.
    private static func describe(_ error: ExpressionError, what: String, source: String, types: [String: ValueType],
                                 later: Set<String>) -> String {
        if let expr = try? Parser.parse(source),
           let name = expr.fieldNames.first(where: { types[$0] == nil && later.contains($0) }) {
            return "Dans \(what) : le champ « \(name) » vient plus loin dans le formulaire ; une condition ou un calcul ne peut utiliser que les champs qui le précèdent."
        }
        return "Dans \(what) : \(error.description) (« \(source) »)."
    }
}
