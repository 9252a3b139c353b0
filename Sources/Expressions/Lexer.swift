import Foundation

/// A problem in an expression, with where it is (character offsets in the source), in French for the designer.
public struct ExpressionError: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String
    /// Offset in the source for syntax errors; nil for type errors, whose message names the culprit.
    public var position: Int?
    public var description: String { position.map { "caractère \($0 + 1) : \(message)" } ?? message }

    init(message: String, position: Int? = nil) { self.message = message; self.position = position }
}

struct Token: Equatable {
    enum Kind: Equatable {
        case number(Decimal), text(String), identifier(String), symbol(String), end
    }
    var kind: Kind
    var position: Int
}

/// Splits source text into tokens. Identifiers are field ids and function names (letters, digits, `_`, `-` inside
/// a word is not allowed: `-` is minus); strings are in double quotes with `\"` and `\\`.
enum Lexer {
    static let symbols = ["==", "!=", "<=", ">=", "<", ">", "+", "-", "*", "/", "(", ")", "[", "]", ","]

    static func tokens(_ source: String) throws(ExpressionError) -> [Token] {
        let chars = Array(source)
        var tokens: [Token] = []
        var i = 0
        while i < chars.count {
            let c = chars[i]
            if c.isWhitespace { i += 1; continue }
            let start = i
            if c.isNumber && c.isASCII {
                while i < chars.count, chars[i].isASCII, chars[i].isNumber { i += 1 }
                if i + 1 < chars.count, chars[i] == ".", chars[i + 1].isASCII, chars[i + 1].isNumber {
                    i += 1
                    while i < chars.count, chars[i].isASCII, chars[i].isNumber { i += 1 }
                }
                tokens.append(Token(kind: .number(Decimal(string: String(chars[start..<i]), locale: Locale(identifier: "en_US_POSIX"))!), position: start))
            } else if c == "\"" {
                i += 1
                var text = ""
                while true {
                    guard i < chars.count else { throw ExpressionError(message: "texte sans guillemet fermant", position: start) }
                    if chars[i] == "\"" { i += 1; break }
                    if chars[i] == "\\", i + 1 < chars.count { text.append(chars[i + 1]); i += 2; continue }
                    text.append(chars[i]); i += 1
                }
                tokens.append(Token(kind: .text(text), position: start))
            } else if c.isLetter || c == "_" {
                while i < chars.count, chars[i].isLetter || chars[i].isNumber || chars[i] == "_" { i += 1 }
                tokens.append(Token(kind: .identifier(String(chars[start..<i])), position: start))
            } else if let symbol = symbols.first(where: { matches($0, chars, at: i) }) {
                i += symbol.count
                tokens.append(Token(kind: .symbol(symbol), position: start))
            } else {
                throw ExpressionError(message: "caractère inattendu « \(c) »", position: start)
            }
        }
        tokens.append(Token(kind: .end, position: chars.count))
        return tokens
    }

    private static func matches(_ symbol: String, _ chars: [Character], at i: Int) -> Bool {
        let s = Array(symbol)
        return i + s.count <= chars.count && Array(chars[i..<(i + s.count)]) == s
    }
}
