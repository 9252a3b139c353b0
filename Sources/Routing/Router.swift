import Expressions
import Territory

/// Decides who answers for a request: the ordered rules first, then the category's competence, then the
/// collectivité it was filed with. Pure and compiled once (expressions parsed, the territory indexed), so a
/// decision costs a few comparisons and a point-in-polygon test.
public struct Router: Sendable {
    /// What is known of a request when it is routed.
    public struct Request: Sendable {
        public enum Place: Sendable, Equatable {
            /// A point on the map.
            case point(latitude: Double, longitude: Double)
            /// The town of an address, as typed.
            case town(String)
        }
        public var demarche: String
        /// The collectivité it was filed with (its slug).
        public var filedWith: String
        /// The démarche's category, if it has one.
        public var category: String?
        public var place: Place?
        /// The answers as expressions read them.
        public var answers: [String: Value]
        public init(demarche: String, filedWith: String, category: String? = nil, place: Place? = nil, answers: [String: Value] = [:]) {
            self.demarche = demarche; self.filedWith = filedWith; self.category = category; self.place = place; self.answers = answers
        }
    }

    public enum Refusal: Error, Equatable {
        /// The point is in none of the territory's communes.
        case outsideTerritory

        /// What the citizen reads beside the field.
        public var message: String {
            switch self {
            case .outsideTerritory: "Ce point est en dehors de la Métropole de Lyon : indiquez un lieu situé dans l'une de ses 58 communes."
            }
        }
    }

    struct CompiledRule: Sendable {
        var rule: RoutingRule
        var condition: Expr?
    }

    let territory: [String: Collectivite]
    let names: PlaceNames.Index
    let metropole: Collectivite?
    let map: TerritoryMap
    let categories: [String: CompetenceCategory]
    let rules: [CompiledRule]

    /// Rules whose condition does not parse are kept out (`RoutingRules.problems` refuses them before they are
    /// saved, so this only guards against a hand-edited database).
    public init(territory: [Collectivite], map: TerritoryMap, categories: [CompetenceCategory], rules: [RoutingRule]) {
        self.territory = Dictionary(territory.map { ($0.slug, $0) }, uniquingKeysWith: { a, _ in a })
        self.metropole = territory.first { $0.kind == .metropole }
        self.names = PlaceNames.Index(territory)
        self.map = map
        self.categories = Dictionary(categories.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        self.rules = rules.compactMap { rule in
            guard let source = rule.condition else { return CompiledRule(rule: rule, condition: nil) }
            return (try? Parser.parse(source)).map { CompiledRule(rule: rule, condition: $0) }
        }
    }

    /// A category by id, as the router knows it.
    public func category(_ id: String) -> CompetenceCategory? { categories[id] }

    /// The commune of the place: from the map point, else from the address's town.
    func commune(of place: Request.Place?) -> Result<Collectivite?, Refusal> {
        switch place {
        case .point(let latitude, let longitude):
            guard let slug = map.commune(latitude: latitude, longitude: longitude) else { return .failure(.outsideTerritory) }
            return .success(territory[slug])
        case .town(let town): return .success(names.commune(named: town))
        case nil: return .success(nil)
        }
    }

    public func route(_ request: Request, context: EvaluationContext) -> Result<RoutingDecision, Refusal> {
        let placeCommune: Collectivite?
        switch commune(of: request.place) {
        case .success(let found): placeCommune = found
        case .failure(let refusal): return .failure(refusal)
        }
        guard let filedWith = territory[request.filedWith] else { return .failure(.outsideTerritory) }
        // A commune's own démarche stays with it: routing is how the Métropole's front door shares its requests.
        if filedWith.kind == .commune {
            let category = request.category.flatMap { categories[$0] }
            return .success(RoutingDecision(collectivite: filedWith, service: category?.service, category: category, place: placeCommune, reason: .filedWith))
        }

        var env = request.answers
        env[RoutingNames.demarche] = .text(request.demarche)
        env[RoutingNames.category] = request.category.map(Value.text) ?? .null
        env[RoutingNames.commune] = placeCommune.map { .text($0.name) } ?? .null
        env[RoutingNames.insee] = placeCommune?.insee.map(Value.text) ?? .null
        for (index, compiled) in rules.enumerated() {
            if let demarche = compiled.rule.demarche, demarche != request.demarche { continue }
            if let condition = compiled.condition, !Evaluator.holds(condition, values: env, context: context) { continue }
            let category = (compiled.rule.category ?? request.category).flatMap { categories[$0] }
            let target = resolve(compiled.rule.target, category: category, place: placeCommune, filedWith: filedWith)
            return .success(RoutingDecision(collectivite: target, service: compiled.rule.service ?? category?.service, category: category,
                                            place: placeCommune, reason: .rule(index + 1)))
        }
        guard let category = request.category.flatMap({ categories[$0] }) else {
            return .success(RoutingDecision(collectivite: filedWith, service: nil, category: nil, place: placeCommune, reason: .filedWith))
        }
        let target = resolve(.competence, category: category, place: placeCommune, filedWith: filedWith)
        return .success(RoutingDecision(collectivite: target, service: category.service, category: category, place: placeCommune, reason: .competence))
    }

    /// An agent re-categorises a request, or says in which commune its place really is (`place`, a slug; nil:
    /// where its answers put it). The category's competence decides again: the rules made the first decision,
    /// the agent's choice is the point of this one. Nil when the collectivité it was filed with is unknown.
    public func reroute(_ request: Request, category id: String?, place slug: String?) -> RoutingDecision? {
        guard let filedWith = territory[request.filedWith] else { return nil }
        let place = slug.flatMap { territory[$0] } ?? ((try? commune(of: request.place).get()) ?? nil)
        let category = id.flatMap { categories[$0] }
        return RoutingDecision(collectivite: resolve(.competence, category: category, place: place, filedWith: filedWith),
                               service: category?.service, category: category, place: place, reason: .agent)
    }

    private func resolve(_ target: RoutingRule.Target, category: CompetenceCategory?, place: Collectivite?, filedWith: Collectivite) -> Collectivite {
        switch target {
        case .metropole: return metropole ?? filedWith
        case .placeCommune: return place ?? filedWith
        case .collectivite(let slug): return territory[slug] ?? filedWith
        case .competence:
            guard let category, let place else { return filedWith }
            return category.level(in: place.slug) == .commune ? place : (metropole ?? filedWith)
        }
    }
}

/// Who answers for a request, and why: kept with the request and shown to the citizen and the agents.
public struct RoutingDecision: Sendable, Equatable {
    public enum Reason: Sendable, Equatable {
        /// The n-th rule (from 1) matched.
        case rule(Int)
        /// No rule matched; the category's competence decided.
        case competence
        /// Neither: it stays with the collectivité it was filed with.
        case filedWith
        /// An agent re-categorised it, or corrected its place (`Router.reroute`).
        case agent
    }
    public var collectivite: Collectivite
    public var service: String?
    public var category: CompetenceCategory?
    /// The commune the place is in, when the request has one.
    public var place: Collectivite?
    public var reason: Reason

    /// « Votre demande est traitée par la mairie de Bron » / « par la Métropole de Lyon ».
    public var handlerPhrase: String { Self.handler(collectivite) }

    /// « la mairie de Bron », « la Métropole de Lyon »: how a citizen is told who handles their request.
    public static func handler(_ c: Collectivite) -> String { c.kind == .metropole ? "la \(c.name)" : "la mairie \(FrenchName.de(c.name))" }

    /// For the history: why it went there, in French.
    public var explanation: String {
        let categoryText = category.map { " (catégorie « \($0.label) »)" } ?? ""
        switch reason {
        case .rule(let n): return "Orientée vers \(handlerPhrase) par la règle de routage n° \(n)\(categoryText)."
        case .competence:
            let levelText = collectivite.kind == .metropole ? "compétence métropolitaine" : "compétence communale"
            return "Orientée vers \(handlerPhrase) : \(levelText)\(categoryText)\(place.map { ", lieu à \($0.name)" } ?? "")."
        case .filedWith: return "Traitée par \(handlerPhrase), où elle a été déposée\(categoryText)."
        case .agent: return "Réorientée vers \(handlerPhrase)\(categoryText)\(place.map { ", lieu à \($0.name)" } ?? "")."
        }
    }
}
