import Workflow

/// Who answers for a kind of request: the Métropole or the commune where it happens.
public enum CompetenceLevel: String, Sendable, Codable, CaseIterable {
    case metropole, commune

    public var label: String { self == .metropole ? "Métropole" : "Commune" }
}

/// A category of competence (voirie, éclairage public…): its usual level, the service that handles it there, and
/// the communes where the level is the other one (a commune that kept a competence, or handed it over).
public struct CompetenceCategory: Sendable, Codable, Equatable {
    /// Lower-case letters, digits and dashes: what rules and démarches name.
    public var id: String
    public var label: String
    public var level: CompetenceLevel
    /// The service (a role of the competent collectivité) its requests go to; nil: the collectivité's inbox.
    public var service: String?
    /// Level by commune slug, where it differs from `level`.
    public var exceptions: [String: CompetenceLevel]
    /// Where the Métropole relays this category's requests in a commune, by commune slug, instead of the town
    /// hall's address (a technical service's mailbox, say).
    public var relayAddresses: [String: String]

    public init(id: String, label: String, level: CompetenceLevel, service: String? = nil, exceptions: [String: CompetenceLevel] = [:],
                relayAddresses: [String: String] = [:]) {
        self.id = id; self.label = label; self.level = level; self.service = service; self.exceptions = exceptions
        self.relayAddresses = relayAddresses
    }

    /// The level in one commune.
    public func level(in commune: String?) -> CompetenceLevel { commune.flatMap { exceptions[$0] } ?? level }

    /// What is wrong with it, in French; empty when it can be saved.
    public var problems: [String] {
        var problems: [String] = []
        if !RoutingRule.isIdentifier(id) { problems.append("L'identifiant de la catégorie doit être en minuscules, chiffres et tirets.") }
        if label.trimmingCharacters(in: .whitespaces).isEmpty { problems.append("La catégorie doit avoir un libellé.") }
        if exceptions.contains(where: { $0.value == level }) { problems.append("Une exception doit donner l'autre niveau que celui de la catégorie.") }
        if relayAddresses.values.contains(where: { !Email.isValid($0) }) { problems.append("Une adresse de relais n'est pas une adresse e-mail valide.") }
        return problems
    }
}

extension CompetenceCategory {
    /// The categories a fresh installation starts with, from the Métropole de Lyon's competences (law MAPTAM of
    /// 2014: roads, cleanliness, waste and water are metropolitan everywhere; lighting, green spaces, parking,
    /// civil status, town planning permits and schools stay communal). The Métropole's admins edit them.
    public static let defaults: [CompetenceCategory] = [
        .init(id: "voirie", label: "Voirie", level: .metropole, service: "services-techniques"),
        .init(id: "proprete", label: "Propreté", level: .metropole, service: "proprete"),
        .init(id: "collecte-dechets", label: "Collecte des déchets", level: .metropole, service: "proprete"),
        .init(id: "eau", label: "Eau et assainissement", level: .metropole, service: "services-techniques"),
        .init(id: "eclairage-public", label: "Éclairage public", level: .commune, service: "services-techniques"),
        .init(id: "espaces-verts", label: "Espaces verts", level: .commune, service: "services-techniques"),
        .init(id: "stationnement", label: "Stationnement", level: .commune, service: "domaine-public"),
        .init(id: "etat-civil", label: "État civil", level: .commune, service: "etat-civil"),
        .init(id: "urbanisme", label: "Urbanisme", level: .commune),
        .init(id: "ecoles", label: "Écoles", level: .commune),
    ]
}
