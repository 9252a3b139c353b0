import Foundation
import Workflow

/// What changed between two versions of a démarche: first in sentences an admin reads (fields, statuses,
/// transitions, global actions, deadline), then line by line on the canonical JSON for the detail.
public enum DefinitionDiff {
    public static func changes(from old: DemarcheDefinition, to new: DemarcheDefinition) -> [String] {
        var out: [String] = []
        if old.title != new.title { out.append("Titre : « \(old.title) » devient « \(new.title) ».") }
        if old.summary != new.summary { out.append("Présentation modifiée.") }
        if old.onePerPerson != new.onePerPerson { out.append("Règle « une demande par personne » modifiée.") }
        out += compare(old.form.fields, new.form.fields, noun: ("Champ", "ajouté", "supprimé", "modifié"), id: \.id, name: \.label)
        if moved(old.form.fields.map(\.id), new.form.fields.map(\.id)) { out.append("L'ordre des champs a changé.") }
        let (ow, nw) = (old.workflow, new.workflow)
        if ow.initialStatus != nw.initialStatus { out.append("Statut de départ : « \(ow.initialStatus) » devient « \(nw.initialStatus) ».") }
        out += compare(ow.statuses, nw.statuses, noun: ("Statut", "ajouté", "supprimé", "modifié"), id: \.id, name: \.label)
        out += compare(ow.transitions, nw.transitions, noun: ("Transition", "ajoutée", "supprimée", "modifiée"), id: \.id, name: \.label)
        out += compare(ow.globalActions, nw.globalActions, noun: ("Action globale", "ajoutée", "supprimée", "modifiée"), id: \.id, name: \.label)
        if ow.deadline != nw.deadline {
            out.append(nw.deadline.map { "Délai légal : \($0.delay.french), \($0.silence == .accord ? "silence vaut accord" : "silence vaut rejet")." }
                       ?? "Délai légal supprimé.")
        }
        return out
    }

    /// Elements matched by identifier: added, removed, or changed (naming what changed in each).
    private static func compare<T: Encodable & Equatable>(_ old: [T], _ new: [T], noun: (String, String, String, String),
                                                          id: KeyPath<T, String>, name: KeyPath<T, String>) -> [String] {
        let before = Dictionary(old.map { ($0[keyPath: id], $0) }, uniquingKeysWith: { a, _ in a })
        let after = Set(new.map { $0[keyPath: id] })
        var out: [String] = []
        for element in new {
            guard let previous = before[element[keyPath: id]] else { out.append("\(noun.0) \(noun.1) : « \(element[keyPath: name]) »."); continue }
            if previous != element {
                let keys = changedKeys(previous, element).map { propertyNames[$0] ?? $0 }
                out.append("\(noun.0) \(noun.3) : « \(element[keyPath: name]) » (\(keys.joined(separator: ", "))).")
            }
        }
        for element in old where !after.contains(element[keyPath: id]) { out.append("\(noun.0) \(noun.2) : « \(element[keyPath: name]) ».") }
        return out
    }

    /// Whether the elements both versions have come in a different order.
    private static func moved(_ old: [String], _ new: [String]) -> Bool {
        let common = Set(old).intersection(new)
        return old.filter(common.contains) != new.filter(common.contains)
    }

    private static func changedKeys<T: Encodable>(_ a: T, _ b: T) -> [String] {
        let (x, y) = (object(a), object(b))
        return Set(x.keys).union(y.keys).filter { x[$0] != y[$0] }.sorted()
    }

    /// An element as JSON texts by property, to name the properties that differ.
    private static func object<T: Encodable>(_ value: T) -> [String: String] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        guard let data = try? encoder.encode(value), let dict = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] else { return [:] }
        return dict.mapValues { v in
            (try? JSONSerialization.data(withJSONObject: v, options: [.sortedKeys, .fragmentsAllowed])).map { String(decoding: $0, as: UTF8.self) } ?? ""
        }
    }

    private static let propertyNames: [String: String] = [
        "label": "libellé", "type": "type", "required": "obligatoire", "help": "aide", "condition": "condition",
        "expression": "expression", "postConditions": "vérifications", "options": "options", "dataSource": "source",
        "display": "affichage", "min": "minimum", "max": "maximum", "integer": "entier", "maxLength": "longueur",
        "accept": "types de fichier", "maxBytes": "taille", "maxFiles": "nombre de fichiers", "rows": "lignes", "columns": "colonnes",
        "fields": "questions du bloc", "minItems": "minimum d'éléments", "maxItems": "maximum d'éléments",
        "colour": "couleur", "isEnd": "fin", "visibleToCitizen": "visible par l'usager", "onEnter": "actions à l'entrée",
        "from": "depuis", "to": "vers", "trigger": "déclenchement", "roles": "rôles", "actions": "actions",
        "notifiesCitizen": "avis à l'usager",
    ]

    /// A line of the JSON comparison: unchanged context, removed, added, or a gap standing for unchanged lines.
    public struct Line: Sendable, Equatable {
        public enum Kind: String, Sendable { case same, removed, added, gap }
        public var kind: Kind
        public var text: String
    }

    /// The two texts compared line by line (longest common subsequence), keeping `context` unchanged lines
    /// around each change and a gap for the rest; nothing when they are the same.
    public static func lines(from old: String, to new: String, context: Int = 3) -> [Line] {
        let a = old.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let b = new.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        // Trim the common head and tail first: versions usually differ in a few places, and the table shrinks.
        var head = 0
        while head < a.count, head < b.count, a[head] == b[head] { head += 1 }
        var tail = 0
        while tail < a.count - head, tail < b.count - head, a[a.count - 1 - tail] == b[b.count - 1 - tail] { tail += 1 }
        let x = Array(a[head..<(a.count - tail)]), y = Array(b[head..<(b.count - tail)])
        var lcs = Array(repeating: Array(repeating: 0, count: y.count + 1), count: x.count + 1)
        for i in stride(from: x.count - 1, through: 0, by: -1) {
            for j in stride(from: y.count - 1, through: 0, by: -1) {
                lcs[i][j] = x[i] == y[j] ? lcs[i + 1][j + 1] + 1 : max(lcs[i + 1][j], lcs[i][j + 1])
            }
        }
        var all = a[0..<head].map { Line(kind: .same, text: $0) }
        var (i, j) = (0, 0)
        while i < x.count || j < y.count {
            if i < x.count, j < y.count, x[i] == y[j] { all.append(Line(kind: .same, text: x[i])); i += 1; j += 1 }
            // Removed lines before added ones, as readers of diffs expect.
            else if i < x.count, j == y.count || lcs[i + 1][j] >= lcs[i][j + 1] { all.append(Line(kind: .removed, text: x[i])); i += 1 }
            else { all.append(Line(kind: .added, text: y[j])); j += 1 }
        }
        all += a[(a.count - tail)...].map { Line(kind: .same, text: $0) }
        // Keep the context around changes.
        let changed = all.indices.filter { all[$0].kind != .same }
        if changed.isEmpty { return [] }
        var keep = Set<Int>()
        for c in changed { for k in max(0, c - context)...min(all.count - 1, c + context) { keep.insert(k) } }
        var out: [Line] = []
        for (k, line) in all.enumerated() {
            if keep.contains(k) { out.append(line) }
            else if out.last?.kind != .gap { out.append(Line(kind: .gap, text: "…")) }
        }
        return out
    }
}
