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
        /// Posted to a *connecté* commune's own software (`Connector`), which answers through the connector API.
        case connector
    }

    /// A *connecté* commune whose connector the Métropole has set up gets its relays there; one without a
    /// connector yet still gets the e-mail, so nothing waits on an integration that does not exist.
    public static func channel(for commune: Collectivite, hasConnector: Bool) -> Channel {
        if commune.membership == .connecte && hasConnector { return .connector }
        return commune.hasBackOffice ? .inbox : .email
    }

    /// Where the relay e-mail goes: the category's address for that commune if the admins set one, else the town
    /// hall's address from the territory data; nil when neither is known (the relay cannot be sent).
    public static func address(for commune: Collectivite, category: CompetenceCategory?) -> String? {
        if let address = category?.relayAddresses[commune.slug] { return address }
        return commune.townHall?.email.flatMap { $0.isEmpty ? nil : $0 }
    }
}
