import Expressions
import Foundation

/// A démarche's processing workflow: statuses, the transitions between them (buttons agents press, automatic
/// ones decided by a condition, timed ones), actions run on the way, actions available from any status, and
/// the legal deadline after which silence decides.
public struct WorkflowDefinition: Sendable, Codable, Equatable {
    public var initialStatus: String
    public var statuses: [Status]
    public var transitions: [Transition]
    /// Buttons available from every status that is not an end ("Relancer l'usager", "Anonymiser").
    public var globalActions: [GlobalAction]
    /// Silence vaut accord / rejet: the decision taken if none is made in time.
    public var deadline: LegalDeadline?

    public init(initialStatus: String, statuses: [Status], transitions: [Transition], globalActions: [GlobalAction] = [],
                deadline: LegalDeadline? = nil) {
        self.initialStatus = initialStatus; self.statuses = statuses; self.transitions = transitions
        self.globalActions = globalActions; self.deadline = deadline
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        initialStatus = try c.decode(String.self, forKey: .initialStatus)
        statuses = try c.decode([Status].self, forKey: .statuses)
        transitions = try c.decode([Transition].self, forKey: .transitions)
        globalActions = try c.decodeIfPresent([GlobalAction].self, forKey: .globalActions) ?? []
        deadline = try c.decodeIfPresent(LegalDeadline.self, forKey: .deadline)
    }

    public func status(_ id: String) -> Status? { statuses.first { $0.id == id } }
    public func transition(_ id: String) -> Transition? { transitions.first { $0.id == id } }
    public func globalAction(_ id: String) -> GlobalAction? { globalActions.first { $0.id == id } }

    /// The buttons an agent holding `roles` may press in `status`. End statuses have none. A button with a
    /// condition is shown only while the condition holds on the request (`holds` evaluates a condition's source).
    public func availableTransitions(from status: String, roles: Set<String>, holds: (String) -> Bool) -> [Transition] {
        guard let current = self.status(status), !current.isEnd else { return [] }
        return transitions.filter {
            $0.trigger == .manual && $0.from.contains(status) && !roles.isDisjoint(with: $0.roles) && ($0.condition.map(holds) ?? true)
        }
    }

    /// The status a citizen is shown: the current one, or, if it is hidden from them, the last status they could
    /// see that the request went through (`history`, oldest first), else the initial one.
    public func statusShownToCitizen(_ current: String, history: [String]) -> String {
        guard status(current)?.visibleToCitizen == false else { return current }
        return history.last { status($0)?.visibleToCitizen == true } ?? initialStatus
    }

    /// Global actions an agent holding `roles` may run in `status`.
    public func availableGlobalActions(in status: String, roles: Set<String>) -> [GlobalAction] {
        guard let current = self.status(status), !current.isEnd else { return [] }
        return globalActions.filter { !roles.isDisjoint(with: $0.roles) }
    }

    /// Decides a button press: the transition, or why it is refused. Whichever channel presses it (the back office,
    /// the API), a refusal states its `reason`, and a `correction` the agent wrote replaces the démarche's text
    /// only on a button that asks for one.
    public func decide(transition id: String, from status: String, roles: Set<String>, reason: String? = nil,
                       correction: String? = nil, holds: (String) -> Bool) -> Result<Transition, TransitionRefusal> {
        guard let transition = transition(id), transition.trigger == .manual, self.status(transition.to) != nil
        else { return .failure(.unknownTransition) }
        guard transition.from.contains(status), self.status(status)?.isEnd == false else { return .failure(.notFromThisStatus) }
        guard !roles.isDisjoint(with: transition.roles) else { return .failure(.roleNotAllowed) }
        if let condition = transition.condition, !holds(condition) { return .failure(.conditionNotMet) }
        if (reason?.count ?? 0) > Self.agentTextLimit || (correction?.count ?? 0) > Self.agentTextLimit { return .failure(.textTooLong) }
        if closing(transition)?.decision?.requiresReason == true, Self.isBlank(reason) { return .failure(.reasonRequired) }
        if let correction {
            guard asksCorrection(transition) != nil else { return .failure(.correctionNotAsked) }
            if Self.isBlank(correction) { return .failure(.correctionRequired) }
        }
        return .success(transition)
    }

    /// How agents read a back-office field's name: the label a `set` action gives it, « Réponse de « id » » for a
    /// webhook's answer, else its identifier with spaces (« date relance »).
    public func backOfficeLabel(_ name: String) -> String {
        let actions = statuses.flatMap(\.onEnter) + transitions.flatMap(\.actions) + globalActions.flatMap(\.actions)
        for case .set(let field, _, let label?) in actions where field == name && !label.isEmpty { return label }
        for case .webhook(let id, _, _) in actions where WorkflowNames.webhookResponse(id) == name { return "Réponse de « \(id) »" }
        let spaced = name.replacingOccurrences(of: "_", with: " ")
        return spaced.prefix(1).uppercased() + spaced.dropFirst()
    }

    /// The longest reason or correction an agent may write.
    public static let agentTextLimit = 5000

    private static func isBlank(_ text: String?) -> Bool {
        text?.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty ?? true
    }

    /// The text (a template) of the correction a button asks of the citizen, on the way or on entering its status;
    /// nil when it asks none. The agent confirms it, or writes their own.
    public func asksCorrection(_ transition: Transition) -> String? {
        for action in transition.actions + (status(transition.to)?.onEnter ?? []) {
            if case .correction(let message, _) = action { return message }
        }
        return nil
    }

    /// Whether filing a request does more than record it in the initial status: actions on entry, automatic or
    /// timed transitions out of it, or a legal deadline to arm. Filing skips the engine otherwise.
    public var startsWithWork: Bool {
        deadline != nil || !(status(initialStatus)?.onEnter.isEmpty ?? true)
            || transitions.contains { $0.from.contains(initialStatus) && $0.trigger != .manual }
    }

    /// The end status a button closes the request in, if it does: such a button asks the agent to confirm, with
    /// a reason (required for a refusal).
    public func closing(_ transition: Transition) -> Status? {
        status(transition.to).flatMap { $0.isEnd ? $0 : nil }
    }

    /// Every role the workflow names: its buttons', its global actions', and those its actions assign the request to
    /// or e-mail. Each must exist in the collectivité, or nobody would ever see the button or the request.
    public var namedRoles: Set<String> {
        var named = roles
        let actions = statuses.flatMap(\.onEnter) + transitions.flatMap(\.actions) + globalActions.flatMap(\.actions)
        for action in actions {
            switch action {
            case .assign(let role, _): named.insert(role)
            case .email(.role(let role), _, _): named.insert(role)
            default: break
            }
        }
        return named.subtracting([""])
    }

    /// The roles the workflow names that the collectivité does not have (`known`), as problems that block publishing.
    public func unknownRoleProblems(known: Set<String>) -> [String] {
        namedRoles.subtracting(known).sorted().map {
            "Le rôle « \($0) » n'existe pas dans cette collectivité : aucun agent ne verrait ce qui lui est destiné. Choisissez un rôle de la liste."
        }
    }

    /// Every role named by a button or a global action: the services that handle this démarche.
    public var roles: Set<String> { Set(transitions.flatMap(\.roles) + globalActions.flatMap(\.roles)) }
}

public struct Status: Sendable, Codable, Equatable {
    public var id: String
    /// French label shown to agents and citizens ("Reçue", "En cours de traitement").
    public var label: String
    /// A colour from the palette the templates know (see `StatusColour`).
    public var colour: StatusColour
    public var isEnd: Bool
    /// A status hidden from the citizen shows them the last visible status they went through.
    public var visibleToCitizen: Bool
    /// Actions run each time a request enters this status.
    public var onEnter: [WorkflowAction]
    /// What an end status decides, for the citizen and the law (nil: not a decision, as « Résolue »).
    public var decision: Decision?
    /// For an accord: the field (an answer or a back-office field) holding the amount granted, shown to the agent
    /// to confirm and to the citizen.
    public var decisionAmount: String?

    public init(id: String, label: String, colour: StatusColour, isEnd: Bool = false, visibleToCitizen: Bool = true,
                onEnter: [WorkflowAction] = [], decision: Decision? = nil, decisionAmount: String? = nil) {
        self.id = id; self.label = label; self.colour = colour; self.isEnd = isEnd
        self.visibleToCitizen = visibleToCitizen; self.onEnter = onEnter
        self.decision = decision; self.decisionAmount = decisionAmount
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        id = try c.decode(String.self, forKey: .id)
        label = try c.decode(String.self, forKey: .label)
        colour = try c.decode(StatusColour.self, forKey: .colour)
        isEnd = try c.decodeIfPresent(Bool.self, forKey: .isEnd) ?? false
        visibleToCitizen = try c.decodeIfPresent(Bool.self, forKey: .visibleToCitizen) ?? true
        onEnter = try c.decodeIfPresent([WorkflowAction].self, forKey: .onEnter) ?? []
        decision = try c.decodeIfPresent(Decision.self, forKey: .decision)
        decisionAmount = try c.decodeIfPresent(String.self, forKey: .decisionAmount)
    }
}

/// The decision an end status records. A refusal must give its reason (Code des relations entre le public et
/// l'administration, L211-2 and L211-5); an unfavourable decision tells the ways and delays of appeal, without
/// which the delay cannot be held against the citizen (Code de justice administrative, R421-5).
public enum Decision: String, Sendable, Codable, CaseIterable {
    case accord
    case refus
    case sansSuite = "sans_suite"

    public var label: String {
        switch self {
        case .accord: "Accord"
        case .refus: "Refus"
        case .sansSuite: "Classement sans suite"
        }
    }

    /// The agent must write why.
    public var requiresReason: Bool { self == .refus }
    /// The citizen may contest it: the ways and delays of appeal go with it.
    public var isUnfavourable: Bool { self != .accord }
}

/// A closed palette keeps status badges legible and contrasted (RGAA) whatever an author picks.
public enum StatusColour: String, Sendable, Codable, CaseIterable {
    case blue, orange, green, red, grey, purple
}

public struct Transition: Sendable, Codable, Equatable {
    public var id: String
    /// The button label ("Accepter", "Rejeter"); for automatic and timed transitions, what the history says.
    public var label: String
    public var from: [String]
    public var to: String
    /// What makes it happen: an agent's button, a condition becoming true, or time passing in the status.
    public var trigger: Trigger
    /// Roles (services) whose agents may press the button; empty for automatic and timed transitions.
    public var roles: [String]
    /// An expression: a button is offered, an automatic transition taken, a timed one taken, only if it holds.
    public var condition: String?
    /// Actions run before entering the target status (the target's own actions run after).
    public var actions: [WorkflowAction]
    /// Whether the citizen is e-mailed the new status.
    public var notifiesCitizen: Bool

    public init(id: String, label: String, from: [String], to: String, trigger: Trigger = .manual, roles: [String] = [],
                condition: String? = nil, actions: [WorkflowAction] = [], notifiesCitizen: Bool = true) {
        self.id = id; self.label = label; self.from = from; self.to = to; self.trigger = trigger; self.roles = roles
        self.condition = condition; self.actions = actions; self.notifiesCitizen = notifiesCitizen
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        id = try c.decode(String.self, forKey: .id)
        label = try c.decode(String.self, forKey: .label)
        from = try c.decode([String].self, forKey: .from)
        to = try c.decode(String.self, forKey: .to)
        trigger = try c.decodeIfPresent(Trigger.self, forKey: .trigger) ?? .manual
        roles = try c.decodeIfPresent([String].self, forKey: .roles) ?? []
        condition = try c.decodeIfPresent(String.self, forKey: .condition)
        actions = try c.decodeIfPresent([WorkflowAction].self, forKey: .actions) ?? []
        notifiesCitizen = try c.decodeIfPresent(Bool.self, forKey: .notifiesCitizen) ?? true
    }
}

/// `"manual"`, `"automatic"`, or `{"after": {"days": 15}}`.
public enum Trigger: Sendable, Equatable, Codable {
    case manual
    case automatic
    case after(Delay)

    private enum Keys: String, CodingKey { case after }

    public init(from decoder: any Decoder) throws {
        if let word = try? decoder.singleValueContainer().decode(String.self) {
            switch word {
            case "manual": self = .manual
            case "automatic": self = .automatic
            default: throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "trigger \(word)"))
            }
            return
        }
        self = .after(try decoder.container(keyedBy: Keys.self).decode(Delay.self, forKey: .after))
    }

    public func encode(to encoder: any Encoder) throws {
        switch self {
        case .manual: var c = encoder.singleValueContainer(); try c.encode("manual")
        case .automatic: var c = encoder.singleValueContainer(); try c.encode("automatic")
        case .after(let delay): var c = encoder.container(keyedBy: Keys.self); try c.encode(delay, forKey: .after)
        }
    }
}

/// A button available in every status that is not an end; it runs actions without changing the status.
public struct GlobalAction: Sendable, Codable, Equatable {
    public var id: String
    public var label: String
    public var roles: [String]
    public var actions: [WorkflowAction]

    public init(id: String, label: String, roles: [String], actions: [WorkflowAction]) {
        self.id = id; self.label = label; self.roles = roles; self.actions = actions
    }
}

public enum TransitionRefusal: Error, Equatable, Sendable {
    case unknownTransition, notFromThisStatus, roleNotAllowed, conditionNotMet
    /// What the agent wrote is refused: a refusal without its reason, a correction left empty or asked of a
    /// button that asks none, a text too long.
    case reasonRequired, correctionRequired, correctionNotAsked, textTooLong

    /// The refusal concerns what the agent wrote, not the button: said beside the text field.
    public var isAboutText: Bool {
        switch self {
        case .reasonRequired, .correctionRequired, .textTooLong: true
        default: false
        }
    }

    public var frenchMessage: String {
        switch self {
        case .reasonRequired: "Indiquez le motif du refus : il est dû à l'usager."
        case .correctionRequired: "Indiquez ce que l'usager doit corriger ou compléter."
        case .correctionNotAsked: "Cette action ne demande pas de correction à l'usager."
        case .textTooLong: "Le texte dépasse \(FrenchNumber.format(Decimal(WorkflowDefinition.agentTextLimit))) caractères."
        case .unknownTransition: "Cette action n'existe pas pour cette démarche."
        case .notFromThisStatus: "Cette action n'est pas possible dans le statut actuel de la demande."
        case .roleNotAllowed: "Vos rôles ne vous permettent pas cette action."
        case .conditionNotMet: "Les conditions de cette action ne sont pas remplies pour cette demande."
        }
    }
}

extension Decision {
    /// The ways and delays of appeal against an unfavourable decision of `authority`, as the citizen reads them
    /// in the e-mail and on the request's page. Every Métropole commune is in the Lyon administrative court's area.
    public static func appealWays(authority: String) -> String {
        "Vous pouvez contester cette décision dans un délai de deux mois à compter de sa réception : par un recours gracieux "
            + "adressé à \(authority), ou par un recours contentieux devant le tribunal administratif de Lyon (184, rue Duguesclin, "
            + "69433 Lyon Cedex 03), y compris par l'application Télérecours citoyens (www.telerecours.fr). Un recours gracieux "
            + "prolonge le délai du recours contentieux, qui court de nouveau à compter de la réponse, ou de son refus implicite "
            + "au bout de deux mois de silence."
    }
}
