import Expressions

/// One of the Métropole's ordered routing rules. A request it matches (its démarche, when the rule names one, and
/// its condition) takes the rule's category and goes where the rule says; the first matching rule decides.
public struct RoutingRule: Sendable, Codable, Equatable {
    /// Where a matching request goes.
    public enum Target: Sendable, Codable, Equatable {
        /// Where the category's competence says: the Métropole, or the commune of the place.
        case competence
        case metropole
        /// The commune of the place (the Métropole when the request has no place).
        case placeCommune
        /// One collectivité, by slug.
        case collectivite(String)

        /// As stored and typed: `competence`, `metropole`, `commune`, or a collectivité's slug.
        public var code: String {
            switch self {
            case .competence: "competence"
            case .metropole: "metropole"
            case .placeCommune: "commune"
            case .collectivite(let slug): slug
            }
        }
        public init(code: String) {
            switch code {
            case "competence": self = .competence
            case "metropole": self = .metropole
            case "commune": self = .placeCommune
            default: self = .collectivite(code)
            }
        }
        public init(from decoder: any Decoder) throws { self.init(code: try decoder.singleValueContainer().decode(String.self)) }
        public func encode(to encoder: any Encoder) throws { var c = encoder.singleValueContainer(); try c.encode(code) }
    }

    /// A démarche's slug; nil: every démarche.
    public var demarche: String?
    /// An expression over the request's answers and `RoutingNames`; nil: always.
    public var condition: String?
    /// The category the request takes; nil: the démarche's own.
    public var category: String?
    public var target: Target
    /// The service it goes to; nil: the category's.
    public var service: String?

    public init(demarche: String? = nil, condition: String? = nil, category: String? = nil, target: Target = .competence, service: String? = nil) {
        self.demarche = demarche; self.condition = condition; self.category = category; self.target = target; self.service = service
    }

    static func isIdentifier(_ s: String) -> Bool {
        !s.isEmpty && s.count <= 64 && s.unicodeScalars.allSatisfy { ($0 >= "a" && $0 <= "z") || ($0 >= "0" && $0 <= "9") || $0 == "-" }
    }
}

/// The names a routing condition may read besides the démarche's answers.
public enum RoutingNames {
    public static let demarche = "demarche"
    public static let category = "categorie_competence"
    public static let commune = "commune_du_lieu"
    public static let insee = "code_insee_du_lieu"
    public static let types: [String: ValueType] = [demarche: .text, category: .text, commune: .text, insee: .text]
}
