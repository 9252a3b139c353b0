/// How the e-mails the workflow itself causes are worded (Messaging provides the French ones). The store
/// composes them inside the transaction of the change, so they exist if and only if it does.
public struct WorkflowMails: Sendable {
    /// The request a mail is about, as the wording needs it.
    public struct About: Sendable {
        public var email: String
        public var collectivite: String
        public var demarche: String
        public var number: String
    }

    public var statusChanged: @Sendable (_ about: About, _ status: String) -> OutboxMail
    public var correctionRequested: @Sendable (_ about: About, _ message: String) -> OutboxMail
    /// An e-mail written by the démarche's author (a workflow action): their subject and text, Guichet's frame.
    public var authored: @Sendable (_ about: About, _ to: String, _ subject: String, _ body: String) -> OutboxMail

    public init(statusChanged: @escaping @Sendable (About, String) -> OutboxMail,
                correctionRequested: @escaping @Sendable (About, String) -> OutboxMail,
                authored: @escaping @Sendable (About, String, String, String) -> OutboxMail) {
        self.statusChanged = statusChanged; self.correctionRequested = correctionRequested; self.authored = authored
    }
}
