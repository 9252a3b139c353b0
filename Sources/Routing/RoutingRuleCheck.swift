import Expressions
import Territory

/// What keeps a rule from being saved, in French, by the part of the rule at fault (`Part`): an unknown démarche,
/// category, collectivité, or a condition that does not read. `fieldTypes` gives a démarche's answers' types by
/// slug (nil: no such démarche); a rule for every démarche may only read `RoutingNames`.
public enum RoutingRuleCheck {
    public enum Part: String, Sendable { case demarche, condition, category, target }

    public static func problems(_ rule: RoutingRule, categories: [CompetenceCategory], territory: [Collectivite],
                                fieldTypes: (String) -> [String: ValueType]?) -> [Part: String] {
        var problems: [Part: String] = [:]
        var names = RoutingNames.types
        if let demarche = rule.demarche {
            if let types = fieldTypes(demarche) { names.merge(types) { builtin, _ in builtin } } else {
                problems[.demarche] = "La démarche « \(demarche) » n'existe pas à la Métropole."
            }
        }
        if let category = rule.category, !categories.contains(where: { $0.id == category }) {
            problems[.category] = "La catégorie « \(category) » n'existe pas."
        }
        if case .collectivite(let slug) = rule.target, !territory.contains(where: { $0.slug == slug }) {
            problems[.target] = "La collectivité « \(slug) » n'existe pas."
        }
        if let condition = rule.condition {
            do { _ = try Checker.condition(condition, fields: names) } catch {
                problems[.condition] = "Condition : \(error.description)"
            }
        }
        return problems
    }
}
