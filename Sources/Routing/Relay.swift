import Territory

/// The relay of the deliberation: « toute sollicitation déposée par un citoyen auprès de la Métropole … relevant
/// d'une compétence communale, est relayée ipso facto par mail à la commune, que celle-ci adhère ou non ».
public enum Relay {
    /// How long a relay e-mail's link lets the town hall act on the request without an account.
    public static let linkLifetimeDays = 60

    /// The commune a request must be relayed to: one filed with the Métropole that a commune answers for.
    /// Nil when it stays where it was filed (the Métropole's competence, or a commune's own démarche).
    public static func commune(of decision: RoutingDecision, filedWith: Collectivite) -> Collectivite? {
        guard filedWith.kind == .metropole, decision.collectivite.kind == .commune, decision.collectivite.slug != filedWith.slug else { return nil }
        return decision.collectivite
    }

    /// How a relay reaches a commune.
    public enum Channel: String, Sendable {
        /// Into the commune's own back-office (*partenaire*, *abonné*): the same request, its history shared.
        case inbox
        /// An e-mail to the town hall with a link that works without an account: communes without a back-office
        /// in Guichet (no membership; *connecté* ones until their connector exists).
        case email
    }

    public static func channel(for commune: Collectivite) -> Channel { commune.hasBackOffice ? .inbox : .email }

    /// Where the relay e-mail goes: the category's address for that commune if the admins set one, else the town
    /// hall's address from the territory data; nil when neither is known (the relay cannot be sent).
    public static func address(for commune: Collectivite, category: CompetenceCategory?) -> String? {
        if let address = category?.relayAddresses[commune.slug] { return address }
        return commune.townHall?.email.flatMap { $0.isEmpty ? nil : $0 }
    }
}
