/// The démarche expression language: one small, typed language for page and field conditions, page
/// post-conditions, computed fields and workflow conditions. Definitions store its source text; it is parsed and
/// type-checked when a definition is saved, and evaluated by walking the tree (never `eval`).
///
///     age(date_naissance) >= 18 et commune dans ["caluire-et-cuire", "bron"]
///     non vide(siret) ou statut_juridique == "particulier"
///     si(nombre_enfants > 2, montant * 0.8, montant)
///
/// Keywords exist in French and English (`et`/`and`, `ou`/`or`, `non`/`not`, `dans`/`in`, `vrai`/`true`,
/// `faux`/`false`); functions have French names (see `Builtin`).
public indirect enum Expr: Sendable, Equatable {
    case literal(Value)
    case list([Expr])
    case field(String)
    case unary(UnaryOperator, Expr)
    case binary(BinaryOperator, Expr, Expr)
    case call(String, [Expr])
}

public enum UnaryOperator: String, Sendable, Equatable {
    case not, negate
}

public enum BinaryOperator: String, Sendable, Equatable, CaseIterable {
    case or, and
    case equal, notEqual, less, lessOrEqual, greater, greaterOrEqual, `in`
    case add, subtract, multiply, divide

    /// Binding strength: `ou` < `et` < comparisons < `+ -` < `* /`.
    var precedence: Int {
        switch self {
        case .or: 1
        case .and: 2
        case .equal, .notEqual, .less, .lessOrEqual, .greater, .greaterOrEqual, .in: 3
        case .add, .subtract: 4
        case .multiply, .divide: 5
        }
    }

    /// How the canonical text writes it.
    var symbol: String {
        switch self {
        case .or: "ou"
        case .and: "et"
        case .equal: "=="
        case .notEqual: "!="
        case .less: "<"
        case .lessOrEqual: "<="
        case .greater: ">"
        case .greaterOrEqual: ">="
        case .in: "dans"
        case .add: "+"
        case .subtract: "-"
        case .multiply: "*"
        case .divide: "/"
        }
    }
}

extension Expr {
    /// Every field the expression names, in order of appearance, to check it names only fields it may see.
    public var fieldNames: [String] {
        switch self {
        case .literal: []
        case .field(let name): [name]
        case .list(let items), .call(_, let items): items.flatMap(\.fieldNames)
        case .unary(_, let operand): operand.fieldNames
        case .binary(_, let l, let r): l.fieldNames + r.fieldNames
        }
    }
}
