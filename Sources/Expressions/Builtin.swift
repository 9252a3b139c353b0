import Foundation

/// The functions an expression may call. Names are French: commune admins write these in the designer.
struct Builtin: Sendable {
    var name: String
    var parameters: [ValueType]
    var result: ValueType
    /// Called with arguments of the declared types, or `.null` for unanswered fields.
    var body: @Sendable ([Value], EvaluationContext) -> Value

    static let all: [String: Builtin] = Dictionary(uniqueKeysWithValues: list.map { ($0.name, $0) })

    static let list: [Builtin] = [
        Builtin(name: "aujourdhui", parameters: [], result: .date) { _, context in .date(context.today) },
        Builtin(name: "date", parameters: [.text], result: .date) { args, _ in
            guard case .text(let s) = args[0], let d = CivilDate(iso: s) else { return .null }
            return .date(d)
        },
        Builtin(name: "age", parameters: [.date], result: .number) { args, context in
            guard case .date(let birth) = args[0] else { return .null }
            let b = birth.components, t = context.today.components
            let years = t.year - b.year - ((t.month, t.day) < (b.month, b.day) ? 1 : 0)
            return .number(Decimal(years))
        },
        Builtin(name: "jours_entre", parameters: [.date, .date], result: .number) { args, _ in
            guard case .date(let a) = args[0], case .date(let b) = args[1] else { return .null }
            return .number(Decimal(b.day - a.day))
        },
        Builtin(name: "annee", parameters: [.date], result: .number) { args, _ in
            guard case .date(let d) = args[0] else { return .null }
            return .number(Decimal(d.components.year))
        },
        Builtin(name: "longueur", parameters: [.text], result: .number) { args, _ in
            guard case .text(let s) = args[0] else { return .number(0) }
            return .number(Decimal(s.count))
        },
        Builtin(name: "nombre", parameters: [.list], result: .number) { args, _ in
            guard case .list(let items) = args[0] else { return .number(0) }
            return .number(Decimal(items.count))
        },
        Builtin(name: "contient", parameters: [.text, .text], result: .bool) { args, _ in
            guard case .text(let s) = args[0], case .text(let part) = args[1] else { return .null }
            return .bool(s.range(of: part, options: [.caseInsensitive, .diacriticInsensitive]) != nil)
        },
        Builtin(name: "minuscules", parameters: [.text], result: .text) { args, _ in
            guard case .text(let s) = args[0] else { return .null }
            return .text(s.lowercased())
        },
        Builtin(name: "arrondi", parameters: [.number, .number], result: .number) { args, _ in
            guard case .number(let n) = args[0], case .number(let places) = args[1] else { return .null }
            var input = n, output = Decimal()
            NSDecimalRound(&output, &input, NSDecimalNumber(decimal: places).intValue, .plain)
            return .number(output)
        },
        Builtin(name: "texte", parameters: [.number], result: .text) { args, _ in
            guard case .number(let n) = args[0] else { return .null }
            return .text("\(n)")
        },
    ]

    /// Special forms, typed by the checker itself: `vide(x)` takes any type, `si(c, a, b)` returns a's type.
    static let special: Set<String> = ["vide", "si"]
}

/// What an evaluation may depend on besides the answers: the day (injected, so tests move time).
public struct EvaluationContext: Sendable {
    public var today: CivilDate
    public init(today: CivilDate) { self.today = today }
}
