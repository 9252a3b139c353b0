import Foundation

/// Alphabetical order as French readers expect it: accents and case do not count first (« Écully » among the
/// E, « Vénissieux » before « Villeurbanne »), nor hyphens and apostrophes (« Saint-Priest » beside « Saint
/// Priest »); the exact spelling only breaks ties. Databases compare bytes (SQLite) or by their own locale
/// (PostgreSQL), so lists people read are sorted here.
public enum FrenchOrder {
    /// The primary key: letters without accents, lower case, ligatures spelt out, punctuation as spaces.
    public static func key(_ text: String) -> String {
        // Most names people type are plain ASCII: lower-casing bytes gives what Foundation's folding gives, at a
        // fraction of its cost (a town looked up per routed request). `FrenchOrderTests` compares both ways.
        if text.utf8.allSatisfy({ $0 < 0x80 }) {
            var bytes: [UInt8] = []
            bytes.reserveCapacity(text.utf8.count)
            var previous: UInt8 = 0
            for b in text.utf8 {
                defer { previous = b }
                switch b {
                case 0x41...0x5A: bytes.append(b + 0x20)
                case 0x61...0x7A, 0x30...0x39: bytes.append(b)
                case 0x0A where previous == 0x0D: continue  // "\r\n" is one character, so one space
                default: bytes.append(0x20)
                }
            }
            return String(decoding: bytes, as: UTF8.self)
        }
        return foldedKey(text)
    }

    /// The general way, for any text.
    static func foldedKey(_ text: String) -> String {
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
