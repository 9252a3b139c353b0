import Foundation

/// Text with `{{ expression }}` placeholders, for the e-mails, SMS and documents a workflow produces:
/// "Votre demande {{ numero_demande }} pour {{ montant * 2 }} €". Placeholders are expressions of the same
/// language as conditions, parsed and type-checked when the definition is saved; rendering never fails
/// (an unanswered field renders as nothing).
public struct TextTemplate: Sendable, Equatable {
    enum Part: Sendable, Equatable { case text(String), expr(Expr) }
    let parts: [Part]
    public let source: String

    /// Parses and checks every placeholder against the names and types it may use.
    public init(_ source: String, fields: [String: ValueType]) throws(ExpressionError) {
        var parts: [Part] = []
        var rest = Substring(source)
        while let open = rest.range(of: "{{") {
            if open.lowerBound > rest.startIndex { parts.append(.text(String(rest[..<open.lowerBound]))) }
            guard let close = rest[open.upperBound...].range(of: "}}") else {
                throw ExpressionError(message: "« {{ » sans « }} » qui le ferme")
            }
            let inner = String(rest[open.upperBound..<close.lowerBound])
            let expr = try Parser.parse(inner)
            _ = try Checker.type(of: expr, fields: fields)
            parts.append(.expr(expr))
            rest = rest[close.upperBound...]
        }
        if !rest.isEmpty { parts.append(.text(String(rest))) }
        self.parts = parts
        self.source = source
    }

    public func render(values: [String: Value], context: EvaluationContext) -> String {
        parts.map { part in
            switch part {
            case .text(let t): t
            case .expr(let e): Evaluator.evaluate(e, values: values, context: context).frenchText
            }
        }.joined()
    }
}

extension Value {
    /// How a value reads in a French sentence: "12,5", "21/03/2026", "oui", "a, b".
    public var frenchText: String {
        switch self {
        case .bool(let b): b ? "oui" : "non"
        case .number(let n): "\(n)".replacingOccurrences(of: ".", with: ",")
        case .text(let t): t
        case .date(let d):
            { let c = d.components; return String(format: "%02d/%02d/%04d", c.day, c.month, c.year) }()
        case .list(let l): l.joined(separator: ", ")
        case .null: ""
        }
    }
}
