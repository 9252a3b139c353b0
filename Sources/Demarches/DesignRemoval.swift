import Foundation
import Workflow

/// What removing an element of a démarche takes with it, said to its author before they confirm: the designer
/// never removes in silence.
public struct DesignRemoval: Sendable, Equatable {
    /// « le champ « Photo » », « le statut « Refusée » »: what is removed.
    public var what: String
    /// What goes with it, or becomes a problem to fix before publishing.
    public var consequences: [String]

    /// Nil when the edit removes nothing (or names an element the definition does not have).
    public init?(_ edit: DesignEdit, in definition: DemarcheDefinition) {
        let workflow = definition.workflow
        switch edit {
        case .removeField(let id):
            guard let field = definition.form.fields.first(where: { $0.id == id }) else { return nil }
            what = "le champ « \(field.label) »"
            let mentions = definition.form.fields.filter { other in
                other.id != id && [other.condition, other.expression].compactMap { $0 }.contains { Self.mentions($0, id) }
            }
            consequences = mentions.map { "« \($0.label) » s'en sert (condition ou calcul) : il faudra le corriger avant de publier." }
            if field.type == .page { consequences.append("Les questions de cette page rejoignent la page précédente.") }
            if workflow.transitions.contains(where: { $0.condition.map { Self.mentions($0, id) } ?? false }) {
                consequences.append("Une condition de transition s'en sert : il faudra la corriger avant de publier.")
            }
        case .removeStatus(let id):
            guard let status = workflow.status(id) else { return nil }
            what = "le statut « \(status.label) »"
            consequences = workflow.transitions.compactMap { t in
                if t.to == id { return "La transition « \(t.label) », qui y mène, est supprimée aussi." }
                if t.from == [id] { return "La transition « \(t.label) », qui n'en part que de lui, est supprimée aussi." }
                if t.from.contains(id) { return "La transition « \(t.label) » ne partira plus de ce statut." }
                return nil
            }
            if !status.onEnter.isEmpty { consequences.append(Self.actions(status.onEnter.count, "à l'entrée dans ce statut")) }
            if workflow.initialStatus == id { consequences.append("C'est le statut initial : il faudra en choisir un autre avant de publier.") }
            if workflow.deadline?.status == id { consequences.append("La décision implicite y mène : il faudra la corriger avant de publier.") }
        case .removeTransition(let id):
            guard let transition = workflow.transition(id) else { return nil }
            what = "la transition « \(transition.label) »"
            consequences = transition.actions.isEmpty ? [] : [Self.actions(transition.actions.count, "de cette transition")]
        case .removeGlobalAction(let id):
            guard let action = workflow.globalAction(id) else { return nil }
            what = "l'action « \(action.label) »"
            consequences = action.actions.isEmpty ? [] : [Self.actions(action.actions.count, "de ce bouton")]
        default:
            return nil
        }
    }

    /// Whether an expression's source names the identifier (as a whole word).
    public static func mentions(_ source: String, _ id: String) -> Bool {
        source.ranges(of: id).contains { range in
            let before = range.lowerBound == source.startIndex ? nil : source[source.index(before: range.lowerBound)]
            let after = range.upperBound == source.endIndex ? nil : source[range.upperBound]
            return ![before, after].contains { $0.map { $0.isLetter || $0.isNumber || $0 == "_" } ?? false }
        }
    }

    static func actions(_ n: Int, _ place: String) -> String {
        n == 1 ? "L'action \(place) est supprimée aussi." : "Les \(n) actions \(place) sont supprimées aussi."
    }
}
