/// Which Guichet account a FranceConnect identity opens, by the State's rules for service providers: an
/// identity already linked opens its account; otherwise an account is linked without asking only when the
/// identity it declared matches the six pivot fields; an account that merely shares the e-mail address is
/// linked only once its holder proves it with the account's password (whoever controls a mailbox does not
/// become the account's holder); with no account at all, one is made from the identity.
public enum AccountLinking {
    /// What the store knows around one identity.
    public struct Situation: Sendable, Equatable {
        /// The account this FranceConnect subject is linked to.
        public var linkedAccount: String?
        /// The signed-in account, when the citizen asked to link it.
        public var currentAccount: String?
        /// Whether the current account is linked to another FranceConnect subject.
        public var currentAccountLinkedElsewhere: Bool
        /// Unlinked accounts whose declared civil identity has the same six fields.
        public var pivotMatches: [String]
        /// The account holding FranceConnect's e-mail address.
        public var emailAccount: String?

        public init(linkedAccount: String? = nil, currentAccount: String? = nil, currentAccountLinkedElsewhere: Bool = false,
                    pivotMatches: [String] = [], emailAccount: String? = nil) {
            self.linkedAccount = linkedAccount; self.currentAccount = currentAccount
            self.currentAccountLinkedElsewhere = currentAccountLinkedElsewhere; self.pivotMatches = pivotMatches; self.emailAccount = emailAccount
        }
    }

    public enum Decision: Sendable, Equatable {
        case signIn(account: String)
        /// Link, then sign in: the six fields matched, or the signed-in citizen asked.
        case link(account: String)
        /// Ask for the password of an account first (the one with the e-mail address, or any the citizen picks
        /// when several declared the same identity).
        case provePassword(emailAccount: String?)
        case create
        case refused(String)
    }

    public static func decide(_ situation: Situation, purpose: FederationAttempt.Purpose) -> Decision {
        if let linked = situation.linkedAccount {
            if purpose == .link, let current = situation.currentAccount, current != linked {
                return .refused("Cette identité FranceConnect est déjà reliée à un autre compte Guichet. Déliez-la de ce compte d'abord.")
            }
            return .signIn(account: linked)
        }
        if purpose == .link, let current = situation.currentAccount {
            if situation.currentAccountLinkedElsewhere {
                return .refused("Votre compte est déjà relié à une autre identité FranceConnect. Déliez-la d'abord.")
            }
            return .link(account: current)
        }
        if situation.pivotMatches.count == 1, let match = situation.pivotMatches.first { return .link(account: match) }
        if situation.pivotMatches.count > 1 || situation.emailAccount != nil { return .provePassword(emailAccount: situation.emailAccount) }
        return .create
    }
}
