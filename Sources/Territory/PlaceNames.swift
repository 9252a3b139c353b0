/// The commune a typed town name means, as people type it: « LYON 3E », « Lyon 03 », « Caluire et Cuire »,
/// « St Priest », « Ecully » all name a commune of the territory. A name that is none of them means nothing here.
public enum PlaceNames {
    /// The collectivité among `territory` whose name `typed` is; nil for a name outside it (or the Métropole's).
    public static func commune(named typed: String, among territory: [Collectivite]) -> Collectivite? {
        let wanted = key(typed)
        guard !wanted.isEmpty else { return nil }
        return territory.first { $0.kind == .commune && key($0.name) == wanted }
    }

    /// The communes' keys made once, for a caller that looks names up many times (routing): one key per lookup
    /// instead of one per commune.
    public struct Index: Sendable {
        let byKey: [String: Collectivite]
        public init(_ territory: [Collectivite]) {
            byKey = Dictionary(territory.filter { $0.kind == .commune }.map { (key($0.name), $0) }, uniquingKeysWith: { a, _ in a })
        }
        /// The same answer as `PlaceNames.commune(named:among:)` over the territory it was made from.
        public func commune(named typed: String) -> Collectivite? {
            let wanted = key(typed)
            return wanted.isEmpty ? nil : byKey[wanted]
        }
    }

    /// Letters only, « saint » spelt out, an arrondissement or « cedex » dropped: « Lyon 3e » and « LYON » are one key.
    static func key(_ name: String) -> String {
        let words = FrenchOrder.key(name).split(separator: " ").map(String.init)
        let kept = words.prefix { !isDistrict($0) && $0 != "cedex" }
        return kept.map { $0 == "st" ? "saint" : $0 == "ste" ? "sainte" : $0 }.joined(separator: " ")
    }

    /// « 3 », « 03 », « 3e », « 3eme », « 1er »: an arrondissement's number after the town's name.
    private static func isDistrict(_ word: String) -> Bool {
        let digits = word.prefix { $0.isNumber }
        guard !digits.isEmpty else { return false }
        return ["", "e", "er", "eme", "ieme", "ème"].contains(String(word.dropFirst(digits.count)))
    }
}
