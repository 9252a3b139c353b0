/// A démarche's processing workflow: statuses, and the transitions agents may make between them.
public struct WorkflowDefinition: Sendable, Codable, Equatable {
    public var initialStatus: String
    public var statuses: [Status]
    public var transitions: [Transition]

    public init(initialStatus: String, statuses: [Status], transitions: [Transition]) {
        self.initialStatus = initialStatus; self.statuses = statuses; self.transitions = transitions
    }

    public func status(_ id: String) -> Status? { statuses.first { $0.id == id } }

    /// The transitions an agent holding `roles` may make from `status`. End statuses have none.
    public func availableTransitions(from status: String, roles: Set<String>) -> [Transition] {
        guard let current = self.status(status), !current.isEnd else { return [] }
        return transitions.filter { $0.from.contains(status) && !roles.isDisjoint(with: $0.roles) }
    }

    /// Decides a transition: the status it leads to, or why it is refused.
    public func decide(transition id: String, from status: String, roles: Set<String>) -> Result<Status, TransitionRefusal> {
        guard let transition = transitions.first(where: { $0.id == id }) else { return .failure(.unknownTransition) }
        guard transition.from.contains(status), self.status(status)?.isEnd == false else { return .failure(.notFromThisStatus) }
        guard !roles.isDisjoint(with: transition.roles) else { return .failure(.roleNotAllowed) }
        guard let target = self.status(transition.to) else { return .failure(.unknownTransition) }
        return .success(target)
    }

    /// Every role named by a transition: the services that handle this démarche.
    public var roles: Set<String> { Set(transitions.flatMap(\.roles)) }
}

public struct Status: Sendable, Codable, Equatable {
    public var id: String
    /// French label shown to agents and citizens ("Reçue", "En cours de traitement").
    public var label: String
    /// A colour from the palette the templates know (see `StatusColour`).
    public var colour: StatusColour
    public var isEnd: Bool

    public init(id: String, label: String, colour: StatusColour, isEnd: Bool = false) {
        self.id = id; self.label = label; self.colour = colour; self.isEnd = isEnd
    }
}

/// A closed palette keeps status badges legible and contrasted (RGAA) whatever an author picks.
public enum StatusColour: String, Sendable, Codable, CaseIterable {
    case blue, orange, green, red, grey, purple
}

public struct Transition: Sendable, Codable, Equatable {
    public var id: String
    /// The button label ("Accepter", "Rejeter").
    public var label: String
    public var from: [String]
    public var to: String
    /// Roles (services) whose agents may make this transition.
    public var roles: [String]
    /// Whether the citizen is e-mailed when this transition is made.
    public var notifiesCitizen: Bool

    public init(id: String, label: String, from: [String], to: String, roles: [String], notifiesCitizen: Bool = true) {
        self.id = id; self.label = label; self.from = from; self.to = to; self.roles = roles
        self.notifiesCitizen = notifiesCitizen
    }
}

public enum TransitionRefusal: Error, Equatable, Sendable {
    case unknownTransition, notFromThisStatus, roleNotAllowed

    public var frenchMessage: String {
        switch self {
        case .unknownTransition: "Cette action n'existe pas pour cette démarche."
        case .notFromThisStatus: "Cette action n'est pas possible dans le statut actuel de la demande."
        case .roleNotAllowed: "Vos rôles ne vous permettent pas cette action."
        }
    }
}
