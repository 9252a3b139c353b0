import Foundation

/// Alphabetical order as French readers expect it: accents and case do not count first (« Écully » among the
/// E, « Vénissieux » before « Villeurbanne »), nor hyphens and apostrophes (« Saint-Priest » beside « Saint
/// Priest »); the exact spelling only breaks ties. Databases compare bytes (SQLite) or by their own locale
/// (PostgreSQL), so lists people read are sorted here.
public enum FrenchOrder {
    /// The primary key: letters without accents, lower case, ligatures spelt out, punctuation as spaces.
    public static func key(_ text: String) -> String {
        text.replacingOccurrences(of: "œ", with: "oe").replacingOccurrences(of: "Œ", with: "oe")
            .replacingOccurrences(of: "æ", with: "ae").replacingOccurrences(of: "Æ", with: "ae")
            .folding(options: [.caseInsensitive, .diacriticInsensitive], locale: nil)
            .map { $0.isLetter || $0.isNumber ? $0 : " " }
            .reduce(into: "") { $0.append($1) }
    }

    public static func less(_ a: String, _ b: String) -> Bool {
        let (ka, kb) = (key(a), key(b))
        return ka != kb ? ka < kb : a < b
    }
}

extension Sequence {
    /// Sorted in French alphabetical order by the text `by` gives.
    public func sortedFrench(by text: (Element) -> String) -> [Element] {
        map { (FrenchOrder.key(text($0)), text($0), $0) }
            .sorted { ($0.0, $0.1) < ($1.0, $1.1) }
            .map(\.2)
    }
}
