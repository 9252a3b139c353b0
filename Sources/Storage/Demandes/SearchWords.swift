import Demarches
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

    /// What a request stores for the search: its number, e-mail and text answers (addresses included), as words
    /// separated by one space, at most 2,000 characters. In two steps, so that the answers are folded before
    /// filing, outside the batch's transaction, and only the number's words are added inside it.
    static func digest(number: String, answers: String) -> String {
        String((words(number) + [answers]).joined(separator: " ").prefix(2000))
    }

    static func answers(email: String, values: [String: FieldValue]) -> String {
        var parts = [email]
        for value in values.values {
            switch value {
            case .text(let s): parts.append(s)
            case .address(let a): parts.append(a.oneLine)
            default: break
            }
        }
        return String(parts.flatMap(words).joined(separator: " ").prefix(2000))
    }
}
