import Workflow
/// How the e-mails the workflow itself causes are worded (Messaging provides the French ones). The store
/// composes them inside the transaction of the change, so they exist if and only if it does.
public struct WorkflowMails: Sendable {
    /// The request a mail is about, as the wording needs it.
    public struct About: Sendable {
        public var email: String
        public var collectivite: String
        /// The collectivité's slug, for the back-office address agents are sent to.
        public var slug: String
        public var demarche: String
        public var number: String
    }

    /// What a decision tells the citizen beside the new status: its kind, the agent's reason, the amount granted.
    public struct DecisionNotice: Sendable, Equatable {
        public var decision: Decision?
        public var reason: String?
        public var amount: String?
        public init(decision: Decision?, reason: String?, amount: String?) { self.decision = decision; self.reason = reason; self.amount = amount }
    }

    /// The citizen's e-mail for a new status; `decision` when it closes the request.
    public var statusChanged: @Sendable (_ about: About, _ status: String, _ decision: DecisionNotice?) -> OutboxMail
    public var correctionRequested: @Sendable (_ about: About, _ message: String) -> OutboxMail
    /// An e-mail written by the démarche's author (a workflow action): their subject and text, Guichet's frame.
    /// `toAgents`: it goes to a service or an address, not the citizen, so it links to the back office.
    public var authored: @Sendable (_ about: About, _ to: String, _ subject: String, _ body: String, _ toAgents: Bool) -> OutboxMail

    public init(statusChanged: @escaping @Sendable (About, String, DecisionNotice?) -> OutboxMail,
                correctionRequested: @escaping @Sendable (About, String) -> OutboxMail,
                authored: @escaping @Sendable (About, String, String, String, Bool) -> OutboxMail) {
        self.statusChanged = statusChanged; self.correctionRequested = correctionRequested; self.authored = authored
    }
}
