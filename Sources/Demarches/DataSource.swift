import Foundation
import Territory

/// A list of choices kept outside any one form and shared by a collectivité's démarches: a reference table kept
/// in Guichet (its schools, its streets…) or a JSON URL read from another system and cached. A choice field names
/// one with `dataSource`; its options are then filled from it when the form is shown and checked (a form's own
/// `options` are the third kind, the static list).
public struct DataSource: Sendable, Codable, Equatable {
    public enum Kind: String, Sendable, Codable { case table, url }

    public var id: String
    public var title: String
    public var kind: Kind
    /// For a table: its rows, in the order they are offered.
    public var items: [Choice]?
    /// For a URL: the address read, how long what was read is kept, how long a read may take.
    public var url: String?
    public var cacheSeconds: Int?
    public var timeoutSeconds: Int?

    public static let maxItems = 20_000

    public init(id: String, title: String, kind: Kind, items: [Choice]? = nil, url: String? = nil,
                cacheSeconds: Int? = nil, timeoutSeconds: Int? = nil) {
        self.id = id; self.title = title; self.kind = kind; self.items = items; self.url = url
        self.cacheSeconds = cacheSeconds; self.timeoutSeconds = timeoutSeconds
    }

    /// Five minutes by default: long enough that a busy form does not call the other system for every visitor,
    /// short enough that a change there shows the same morning.
    public var effectiveCacheSeconds: Int { cacheSeconds ?? 300 }
    /// Two seconds by default: a citizen's page waits for it on a cold cache.
    public var effectiveTimeoutSeconds: Int { timeoutSeconds ?? 2 }

    public var problems: [String] {
        var problems: [String] = []
        let name = title.isEmpty ? id : title
        if !DemarcheDefinition.isIdentifier(id, allowDash: true) {
            problems.append("L'identifiant de la source « \(name) » doit être en minuscules, chiffres et tirets.")
        }
        if title.trimmingCharacters(in: .whitespaces).isEmpty { problems.append("La source « \(id) » n'a pas de titre.") }
        switch kind {
        case .table:
            let items = items ?? []
            if items.isEmpty { problems.append("La table « \(name) » n'a aucune ligne.") }
            if items.count > Self.maxItems { problems.append("La table « \(name) » dépasse \(Self.maxItems) lignes.") }
            var seen: Set<String> = []
            for (n, item) in items.enumerated() {
                if item.value.trimmingCharacters(in: .whitespaces).isEmpty { problems.append("La ligne \(n + 1) de « \(name) » n'a pas de valeur.") }
                else if !seen.insert(item.value).inserted { problems.append("La valeur « \(item.value) » figure deux fois dans « \(name) ».") }
                if item.label.trimmingCharacters(in: .whitespaces).isEmpty { problems.append("La ligne \(n + 1) de « \(name) » n'a pas de libellé.") }
            }
            if url != nil { problems.append("Une table (« \(name) ») n'a pas d'adresse URL.") }
        case .url:
            if let url, let parsed = URL(string: url), ["http", "https"].contains(parsed.scheme ?? ""), parsed.host?.isEmpty == false {} else {
                problems.append("La source « \(name) » doit avoir une adresse http(s) valide.")
            }
            if items?.isEmpty == false { problems.append("Une source URL (« \(name) ») ne porte pas de lignes : elles sont lues à l'adresse.") }
            if let s = cacheSeconds, s < 0 || s > 86_400 { problems.append("La durée de cache de « \(name) » doit aller de 0 à 86 400 secondes.") }
            if let s = timeoutSeconds, s < 1 || s > 30 { problems.append("Le délai d'attente de « \(name) » doit aller de 1 à 30 secondes.") }
        }
        return problems
    }

    /// The items a URL answers, in the shapes other systems publish: `{"data": [{"id", "text"}]}` (Publik's
    /// convention), or a bare array of `{"id", "text"}` or `{"value", "label"}`; ids may be numbers.
    public static func items(fromJSON data: Data) throws -> [Choice] {
        let object = try JSONSerialization.jsonObject(with: data)
        guard let list = ((object as? [String: Any])?["data"] ?? object) as? [Any] else { throw SourceFormatError.notAList }
        guard list.count <= maxItems else { throw SourceFormatError.tooMany }
        return try list.map { element in
            guard let item = element as? [String: Any],
                  let value = text(item["id"] ?? item["value"]), let label = text(item["text"] ?? item["label"]) ?? Optional(value),
                  !value.isEmpty else { throw SourceFormatError.badItem }
            return Choice(value: value, label: label)
        }
    }

    private static func text(_ any: Any?) -> String? {
        switch any {
        case let s as String: s
        case let n as NSNumber: n.stringValue
        default: nil
        }
    }

    /// Table rows pasted or uploaded as text, one per line: `valeur;libellé` (or only the label, whose value is
    /// then made from it). Returns the rows or the first bad line's number.
    public static func items(fromLines text: String) -> Result<[Choice], LineError> {
        var items: [Choice] = []
        for (n, raw) in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).enumerated() {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.isEmpty { continue }
            let parts = line.split(separator: ";", maxSplits: 1, omittingEmptySubsequences: false)
                .map { $0.trimmingCharacters(in: .whitespaces) }
            let (value, label) = parts.count == 2 ? (parts[0], parts[1]) : (Slug.make(parts[0]), parts[0])
            if value.isEmpty || label.isEmpty { return .failure(LineError(line: n + 1)) }
            items.append(Choice(value: value, label: label))
        }
        return .success(items)
    }

    public struct LineError: Error, Equatable, Sendable {
        public var line: Int
        public init(line: Int) { self.line = line }
    }

    public enum SourceFormatError: Error { case notAList, tooMany, badItem }
}

extension DataSource {
    /// The address as logs may show it: scheme, host, port and path, without the user, password, query or
    /// fragment, where a source's API key usually is (`https://api.example/v1/items?key=…`).
    public static func loggable(_ address: String) -> String {
        guard var parts = URLComponents(string: address), parts.host != nil else { return "(adresse invalide)" }
        parts.user = nil; parts.password = nil; parts.query = nil; parts.fragment = nil
        let hidden = URLComponents(string: address).map { $0.query != nil || $0.user != nil } ?? false
        return (parts.string ?? "(adresse invalide)") + (hidden ? " (paramètres masqués)" : "")
    }
}
