/// Types an expression against a form's fields before it is saved: unknown fields and functions, wrong argument
/// types, and mismatched comparisons are all reported, in French, with their position in the source.
public enum Checker {
    /// The type `expr` evaluates to, given the type of each field it may name.
    public static func type(of expr: Expr, fields: [String: ValueType]) throws(ExpressionError) -> ValueType {
        try infer(expr, fields)
    }

    /// Parses and checks a condition: it must be a yes/no question.
    public static func condition(_ source: String, fields: [String: ValueType]) throws(ExpressionError) -> Expr {
        let expr = try Parser.parse(source)
        let type = try infer(expr, fields)
        guard type == .bool else { throw ExpressionError(message: "une condition doit valoir vrai ou faux, pas \(type.frenchWithArticle)") }
        return expr
    }

    private static func infer(_ expr: Expr, _ fields: [String: ValueType]) throws(ExpressionError) -> ValueType {
        switch expr {
        case .literal(let value):
            return value.type ?? .text
        case .list(let items):
            for item in items where try infer(item, fields) != .text {
                throw ExpressionError(message: "une liste entre crochets ne contient que des textes")
            }
            return .list
        case .field(let name):
            guard let type = fields[name] else {
                throw ExpressionError(message: "champ inconnu « \(name) »\(suggestion(for: name, among: fields.keys))")
            }
            return type
        case .unary(.not, let operand):
            try expect(.bool, operand, fields, "« non »")
            return .bool
        case .unary(.negate, let operand):
            try expect(.number, operand, fields, "« - »")
            return .number
        case .binary(let op, let left, let right):
            return try binary(op, left, right, fields)
        case .call(let name, let arguments):
            return try call(name, arguments, fields)
        }
    }

    private static func binary(_ op: BinaryOperator, _ left: Expr, _ right: Expr, _ fields: [String: ValueType]) throws(ExpressionError) -> ValueType {
        let l = try infer(left, fields), r = try infer(right, fields)
        switch op {
        case .and, .or:
            guard l == .bool, r == .bool else { throw mismatch("« \(op.symbol) » relie deux conditions", l, r) }
            return .bool
        case .equal, .notEqual:
            guard l == r else { throw mismatch("« \(op.symbol) » compare deux valeurs du même type", l, r) }
            return .bool
        case .less, .lessOrEqual, .greater, .greaterOrEqual:
            guard l == r, l == .number || l == .date || l == .text else { throw mismatch("« \(op.symbol) » compare deux nombres, deux dates ou deux textes", l, r) }
            return .bool
        case .in:
            guard l == .text, r == .list else { throw mismatch("« dans » cherche un texte dans une liste", l, r) }
            return .bool
        case .add, .subtract:
            if l == .number && r == .number { return .number }
            if l == .date && r == .number { return .date }
            if op == .subtract && l == .date && r == .date { return .number }
            if op == .add && l == .text && r == .text { return .text }
            throw mismatch("« \(op.symbol) » calcule sur des nombres (ou ajoute des jours à une date)", l, r)
        case .multiply, .divide:
            guard l == .number, r == .number else { throw mismatch("« \(op.symbol) » calcule sur deux nombres", l, r) }
            return .number
        }
    }

    private static func call(_ name: String, _ arguments: [Expr], _ fields: [String: ValueType]) throws(ExpressionError) -> ValueType {
        switch name {
        case "vide":
            guard arguments.count == 1 else { throw arity(name, 1, arguments.count) }
            _ = try infer(arguments[0], fields)
            return .bool
        case "si":
            guard arguments.count == 3 else { throw arity(name, 3, arguments.count) }
            try expect(.bool, arguments[0], fields, "le premier argument de « si »")
            let a = try infer(arguments[1], fields), b = try infer(arguments[2], fields)
            guard a == b else { throw mismatch("les deux résultats de « si » doivent être du même type", a, b) }
            return a
        default:
            guard let builtin = Builtin.all[name] else {
                let known = Builtin.all.keys.sorted() + Builtin.special.sorted()
                throw ExpressionError(message: "fonction inconnue « \(name) »\(suggestion(for: name, among: known))")
            }
            guard arguments.count == builtin.parameters.count else { throw arity(name, builtin.parameters.count, arguments.count) }
            for (argument, parameter) in zip(arguments, builtin.parameters) {
                try expect(parameter, argument, fields, "un argument de « \(name) »")
            }
            return builtin.result
        }
    }

    private static func expect(_ type: ValueType, _ expr: Expr, _ fields: [String: ValueType], _ what: String) throws(ExpressionError) {
        let actual = try infer(expr, fields)
        guard actual == type else { throw ExpressionError(message: "\(what) doit être \(type.frenchWithArticle), pas \(actual.frenchWithArticle)") }
    }

    private static func mismatch(_ rule: String, _ l: ValueType, _ r: ValueType) -> ExpressionError {
        ExpressionError(message: "\(rule) (ici : \(l.french) et \(r.french))")
    }

    private static func arity(_ name: String, _ expected: Int, _ actual: Int) -> ExpressionError {
        ExpressionError(message: "« \(name) » prend \(expected) argument\(expected > 1 ? "s" : ""), pas \(actual)")
    }

    /// ", vouliez-vous dire « date_naissance » ?" when a known name is one or two edits away.
    private static func suggestion<S: Sequence<String>>(for name: String, among known: S) -> String {
        let close = known.map { ($0, distance(name, $0)) }.filter { $0.1 <= 2 }.min { $0.1 < $1.1 }
        return close.map { " ; vouliez-vous dire « \($0.0) » ?" } ?? ""
    }

    static func distance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        var row = Array(0...b.count)
        for i in 1...max(a.count, 1) where !a.isEmpty {
            var previous = row[0]
            row[0] = i
            for j in stride(from: 1, through: b.count, by: 1) {
                let current = row[j]
                row[j] = min(row[j] + 1, row[j - 1] + 1, previous + (a[i - 1] == b[j - 1] ? 0 : 1))
                previous = current
            }
        }
        return a.isEmpty ? b.count : row[b.count]
    }
}
