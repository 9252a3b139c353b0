import Foundation

/// A precedence-climbing parser over `Lexer`'s tokens.
public enum Parser {
    /// Parses a whole expression; anything left over is an error.
    public static func parse(_ source: String) throws(ExpressionError) -> Expr {
        var state = State(tokens: try Lexer.tokens(source))
        guard state.peek.kind != .end else { throw ExpressionError(message: "expression vide", position: 0) }
        let expr = try state.expression(minPrecedence: 1)
        guard state.peek.kind == .end else { throw ExpressionError(message: "« \(state.peek.describe) » inattendu", position: state.peek.position) }
        return expr
    }

    static let keywords: [String: String] = [
        "et": "et", "and": "et", "ou": "ou", "or": "ou", "non": "non", "not": "non",
        "dans": "dans", "in": "dans", "vrai": "vrai", "true": "vrai", "faux": "faux", "false": "faux",
    ]

    struct State {
        var tokens: [Token]
        var index = 0
        var peek: Token { tokens[index] }
        mutating func advance() -> Token { defer { index += 1 }; return tokens[index] }

        /// The binary operator at the current token, if any.
        var binaryOperator: BinaryOperator? {
            switch peek.kind {
            case .symbol(let s):
                switch s {
                case "==": .equal
                case "!=": .notEqual
                case "<": .less
                case "<=": .lessOrEqual
                case ">": .greater
                case ">=": .greaterOrEqual
                case "+": .add
                case "-": .subtract
                case "*": .multiply
                case "/": .divide
                default: nil
                }
            case .identifier(let word):
                switch Parser.keywords[word.lowercased()] {
                case "et": .and
                case "ou": .or
                case "dans": .in
                default: nil
                }
            default: nil
            }
        }

        mutating func expression(minPrecedence: Int) throws(ExpressionError) -> Expr {
            var left = try unary()
            while let op = binaryOperator, op.precedence >= minPrecedence {
                _ = advance()
                // Comparisons do not chain (`a < b < c` is refused): their right side binds tighter.
                let nextMin = op.precedence == 3 ? 4 : op.precedence + 1
                let right = try expression(minPrecedence: nextMin)
                left = .binary(op, left, right)
                if op.precedence == 3, let again = binaryOperator, again.precedence == 3 {
                    throw ExpressionError(message: "deux comparaisons à la suite : ajoutez « et »", position: peek.position)
                }
            }
            return left
        }

        mutating func unary() throws(ExpressionError) -> Expr {
            if case .identifier(let word) = peek.kind, Parser.keywords[word.lowercased()] == "non" {
                _ = advance()
                return .unary(.not, try expression(minPrecedence: 3))
            }
            if peek.kind == .symbol("-") {
                _ = advance()
                return .unary(.negate, try unary())
            }
            return try primary()
        }

        mutating func primary() throws(ExpressionError) -> Expr {
            let token = advance()
            switch token.kind {
            case .number(let n): return .literal(.number(n))
            case .text(let t): return .literal(.text(t))
            case .symbol("("):
                let inner = try expression(minPrecedence: 1)
                try expect(")", opening: token)
                return inner
            case .symbol("["):
                var items: [Expr] = []
                if peek.kind != .symbol("]") {
                    repeat { items.append(try expression(minPrecedence: 1)) } while take(",")
                }
                try expect("]", opening: token)
                return .list(items)
            case .identifier(let name):
                switch Parser.keywords[name.lowercased()] {
                case "vrai": return .literal(.bool(true))
                case "faux": return .literal(.bool(false))
                case .some: throw ExpressionError(message: "« \(name) » est un mot réservé, pas une valeur", position: token.position)
                case nil: break
                }
                guard take("(") else { return .field(name) }
                var arguments: [Expr] = []
                if peek.kind != .symbol(")") {
                    repeat { arguments.append(try expression(minPrecedence: 1)) } while take(",")
                }
                try expect(")", opening: token)
                return .call(name, arguments)
            case .end:
                throw ExpressionError(message: "l'expression s'arrête trop tôt", position: token.position)
            default:
                throw ExpressionError(message: "« \(token.describe) » inattendu", position: token.position)
            }
        }

        mutating func take(_ symbol: String) -> Bool {
            guard peek.kind == .symbol(symbol) else { return false }
            index += 1
            return true
        }

        mutating func expect(_ symbol: String, opening: Token) throws(ExpressionError) {
            guard take(symbol) else {
                throw ExpressionError(message: "« \(symbol) » attendu (ouvert au caractère \(opening.position + 1))", position: peek.position)
            }
        }
    }
}

extension Token {
    var describe: String {
        switch kind {
        case .number(let n): "\(n)"
        case .text(let t): "\"\(t)\""
        case .identifier(let s), .symbol(let s): s
        case .end: "fin"
        }
    }
}
