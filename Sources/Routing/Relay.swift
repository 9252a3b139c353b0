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

    /// Where the relay e-mail goes: the category's address for that commune if the admins set one, else the town
    /// hall's address from the territory data; nil when neither is known (the relay cannot be sent).
    public static func address(for commune: Collectivite, category: CompetenceCategory?) -> String? {
        if let address = category?.relayAddresses[commune.slug] { return address }
        return commune.townHall?.email.flatMap { $0.isEmpty ? nil : $0 }
    }
}
