import Foundation

extension Expr {
    /// The canonical text of an expression: French keywords, minimal parentheses. Parsing it gives the same tree,
    /// which is what lets the designer rewrite expressions (renaming a field) without changing their meaning.
    public var source: String { printed(parentPrecedence: 0) }

    private func printed(parentPrecedence: Int) -> String {
        switch self {
        case .literal(let v): return Expr.literal(v)
        case .list(let items): return "[" + items.map { $0.printed(parentPrecedence: 0) }.joined(separator: ", ") + "]"
        case .field(let name): return name
        case .unary(.not, let operand):
            let text = "non " + operand.printed(parentPrecedence: 3)
            return parentPrecedence > 2 ? "(\(text))" : text
        case .unary(.negate, let operand): return "-" + operand.printed(parentPrecedence: 6)
        case .binary(let op, let l, let r):
            // Left-associative: the right operand needs parentheses at equal precedence; comparisons never chain.
            let leftMin = op.precedence == 3 ? 4 : op.precedence
            let text = "\(l.printed(parentPrecedence: leftMin)) \(op.symbol) \(r.printed(parentPrecedence: op.precedence + 1))"
            return op.precedence < parentPrecedence ? "(\(text))" : text
        case .call(let name, let args): return name + "(" + args.map { $0.printed(parentPrecedence: 0) }.joined(separator: ", ") + ")"
        }
    }

    private static func literal(_ v: Value) -> String {
        switch v {
        case .bool(let b): b ? "vrai" : "faux"
        case .number(let n): n < 0 ? "(\(n))" : "\(n)"
        case .text(let t): "\"" + t.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
        case .date(let d): "date(\"\(d.iso)\")"
        case .list(let items): "[" + items.map { literal(.text($0)) }.joined(separator: ", ") + "]"
        case .null: "vide"
        }
    }
}
