import Foundation

/// The words of a request, as the inbox's search indexes them: lowercase, without accents, split at anything
/// that is not a letter or a digit ("CAL-2026-000123" → cal 2026 000123; "camille.42@exemple.fr" → camille 42
/// exemple fr). Requests store their words already split this way, so SQLite's FTS5 (unicode61) and PostgreSQL's
/// `simple` text search see the same tokens, and a search means the same thing on both.
enum SearchWords {
    static func words(_ text: String) -> [String] {
        text.folding(options: [.caseInsensitive, .diacriticInsensitive], locale: nil).lowercased()
            .split { !($0.isLetter || $0.isNumber) }.map(String.init)
    }

    /// The stored digest: words separated by one space, at most 2,000 characters.
    static func digest(_ parts: [String]) -> String {
        String(parts.flatMap(words).joined(separator: " ").prefix(2000))
    }
}
