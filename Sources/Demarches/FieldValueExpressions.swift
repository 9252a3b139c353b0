import Expressions

extension FieldValue {
    /// A computed field's value as stored with the request; nil when the expression had nothing to work on.
    public init?(_ value: Value) {
        switch value {
        case .bool(let b): self = .flag(b)
        case .number(let n): self = .number(n)
        case .text(let t): self = .text(t)
        case .date(let d): self = .text(d.iso)
        case .list(let l): self = .choices(l)
        case .null: return nil
        }
    }

    /// A stored back-office value as expressions read it (dates are kept as ISO text).
    func expressionValue(as type: ValueType) -> Value {
        switch (self, type) {
        case (.text(let t), .date): CivilDate(iso: t).map(Value.date) ?? .null
        case (.text(let t), _): .text(t)
        case (.number(let n), _): .number(n)
        case (.flag(let b), _): .bool(b)
        case (.choices(let l), _): .list(l)
        default: .null
        }
    }

    /// Makes this answer visible to the expressions of the fields after it, under the names and types
    /// `FormLogic` gave them.
    func bind(_ field: Field, into env: inout [String: Value]) {
        switch self {
        case .text(let s): env[field.id] = field.type == .date ? CivilDate(iso: s).map(Value.date) ?? .null : .text(s)
        case .number(let n): env[field.id] = .number(n)
        case .choices(let l): env[field.id] = .list(l)
        case .flag(let b): env[field.id] = .bool(b)
        case .address(let a): env[field.id] = .text(a.oneLine)
        case .files(let fs): env[field.id] = .list(fs.map(\.filename))
        case .point(let p): env[field.id] = .text("\(p.lat) \(p.lon)")
        case .table(let rows): env[field.id] = .list(rows.flatMap { $0 }.filter { !$0.isEmpty })
        case .items(let items):
            // One entry per item (its answers in question order), so `nombre(enfants)` counts the items.
            env[field.id] = .list(items.map { item in (field.fields ?? []).compactMap { item[$0.id]?.plainText }.joined(separator: " ") })
        case .range(let r):
            if field.type == .dateRange {
                env["\(field.id)_debut"] = CivilDate(iso: r.start).map(Value.date) ?? .null
                env["\(field.id)_fin"] = CivilDate(iso: r.end).map(Value.date) ?? .null
            } else {
                env["\(field.id)_debut"] = .text(r.start)
                env["\(field.id)_fin"] = .text(r.end)
            }
        }
    }
}

extension FieldValue {
    /// A one-value answer as plain text (a block item's question), nil for composite values.
    var plainText: String? {
        switch self {
        case .text(let t): t
        case .number(let n): "\(n)"
        case .flag(let b): b ? "oui" : "non"
        default: nil
        }
    }
}
