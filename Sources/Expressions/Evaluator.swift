import Foundation

/// Evaluates a checked expression over a request's answers. Unanswered fields are `.null` (see `Value`).
public enum Evaluator {
    public static func evaluate(_ expr: Expr, values: [String: Value], context: EvaluationContext) -> Value {
        switch expr {
        case .literal(let v): return v
        case .list(let items):
            return .list(items.compactMap { if case .text(let t) = evaluate($0, values: values, context: context) { t } else { nil } })
        case .field(let name): return values[name] ?? .null
        case .unary(.not, let operand): return .bool(!evaluate(operand, values: values, context: context).isTrue)
        case .unary(.negate, let operand):
            guard case .number(let n) = evaluate(operand, values: values, context: context) else { return .null }
            return .number(-n)
        case .binary(.and, let l, let r):
            return .bool(evaluate(l, values: values, context: context).isTrue && evaluate(r, values: values, context: context).isTrue)
        case .binary(.or, let l, let r):
            return .bool(evaluate(l, values: values, context: context).isTrue || evaluate(r, values: values, context: context).isTrue)
        case .binary(let op, let l, let r):
            return binary(op, evaluate(l, values: values, context: context), evaluate(r, values: values, context: context))
        case .call("vide", let args):
            return .bool(isEmpty(evaluate(args[0], values: values, context: context)))
        case .call("si", let args):
            return evaluate(args[0], values: values, context: context).isTrue
                ? evaluate(args[1], values: values, context: context) : evaluate(args[2], values: values, context: context)
        case .call(let name, let args):
            guard let builtin = Builtin.all[name] else { return .null }
            return builtin.body(args.map { evaluate($0, values: values, context: context) }, context)
        }
    }

    /// A condition holds only if it evaluates to true; unanswered fields make it false.
    public static func holds(_ expr: Expr, values: [String: Value], context: EvaluationContext) -> Bool {
        evaluate(expr, values: values, context: context).isTrue
    }

    static func isEmpty(_ v: Value) -> Bool {
        switch v {
        case .null: true
        case .text(let t): t.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty
        case .list(let l): l.isEmpty
        default: false
        }
    }

    private static func binary(_ op: BinaryOperator, _ l: Value, _ r: Value) -> Value {
        if l == .null || r == .null { return .null }
        switch (op, l, r) {
        case (.equal, _, _): return .bool(same(l, r))
        case (.notEqual, _, _): return .bool(!same(l, r))
        case (.less, _, _), (.lessOrEqual, _, _), (.greater, _, _), (.greaterOrEqual, _, _):
            guard let order = compare(l, r) else { return .null }
            switch op {
            case .less: return .bool(order < 0)
            case .lessOrEqual: return .bool(order <= 0)
            case .greater: return .bool(order > 0)
            default: return .bool(order >= 0)
            }
        case (.in, .text(let t), .list(let items)): return .bool(items.contains(t))
        case (.add, .number(let a), .number(let b)): return .number(a + b)
        case (.subtract, .number(let a), .number(let b)): return .number(a - b)
        case (.multiply, .number(let a), .number(let b)): return .number(a * b)
        case (.divide, .number(let a), .number(let b)): return b == 0 ? .null : .number(a / b)
        case (.add, .date(let d), .number(let n)): return dayOffset(n).map { .date(CivilDate(day: d.day + $0)) } ?? .null
        case (.subtract, .date(let d), .number(let n)): return dayOffset(n).map { .date(CivilDate(day: d.day - $0)) } ?? .null
        case (.subtract, .date(let a), .date(let b)): return .number(Decimal(a.day - b.day))
        case (.add, .text(let a), .text(let b)): return .text(a + b)
        default: return .null
        }
    }

    /// Texts compare as a person reads them: without case or accents ("Écully" == "ecully").
    private static func same(_ l: Value, _ r: Value) -> Bool {
        if case .text(let a) = l, case .text(let b) = r { return a.compare(b, options: [.caseInsensitive, .diacriticInsensitive]) == .orderedSame }
        if case .list(let a) = l, case .list(let b) = r { return a.sorted() == b.sorted() }
        return l == r
    }

    private static func compare(_ l: Value, _ r: Value) -> Int? {
        switch (l, r) {
        case (.number(let a), .number(let b)): a < b ? -1 : (a == b ? 0 : 1)
        case (.date(let a), .date(let b)): a < b ? -1 : (a == b ? 0 : 1)
        case (.text(let a), .text(let b)):
            switch a.compare(b, options: [.caseInsensitive, .diacriticInsensitive]) {
            case .orderedAscending: -1
            case .orderedSame: 0
            case .orderedDescending: 1
            }
        default: nil
        }
    }

    /// The whole days (fractions dropped) to move a date by, up to a million (about 2,700 years); nil beyond. The
    /// number may be a citizen's answer, of any size: past that bound it names no day, and converted as it is it
    /// would overflow the day count.
    static func dayOffset(_ n: Decimal) -> Int? {
        guard n.isFinite, abs(n) <= 1_000_000 else { return nil }
        return NSDecimalNumber(decimal: n).intValue
    }
}
