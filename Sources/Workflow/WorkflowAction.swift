/// Something a workflow does on entering a status, on a transition or from a global action. Texts are
/// templates (`{{ expression }}`) over the request's answers, back-office fields and the names in
/// `WorkflowNames`. Stored as `{"type": "email", …}`.
public enum WorkflowAction: Sendable, Equatable, Codable {
    /// An e-mail to the citizen, to the agents of a role, or to a fixed address.
    case email(to: Recipient, subject: String, body: String)
    /// An SMS; `to` is a template (usually `{{ telephone }}`).
    case sms(to: String, text: String)
    /// A signed POST of the request to a URL; its answer is stored with the request. After `attempts` failed
    /// attempts the request takes the `onError` status; without one, delivery is retried until it succeeds.
    case webhook(id: String, url: String, onError: String?)
    /// Gives the request to a role (service) and, optionally, to one agent of it (by e-mail).
    case assign(role: String, agent: String?)
    /// Sets a back-office field (seen by agents, not the citizen) to an expression's value; `label` is how
    /// agents read the field's name (« Priorité »), where its identifier would show otherwise.
    case set(field: String, expression: String, label: String? = nil)
    /// Asks the citizen to correct their answers: the request reopens for them with the message; when they send
    /// it back it moves to `then` (or stays). The legal deadline is paused meanwhile.
    case correction(message: String, then: String?)
    /// Generates a PDF document (attestation, receipt) from a template and attaches it to the request.
    case document(id: String, title: String, body: String, visibleToCitizen: Bool)
    /// Removes the personal data of the request (answers, e-mail, files, messages), keeping its number and history.
    case anonymise
    /// Deletes the request and everything attached to it.
    case delete

    public enum Recipient: Sendable, Equatable {
        case citizen
        case role(String)
        case address(String)

        /// "citizen", "role:urbanisme", or an address.
        public init(_ text: String) {
            if text == "citizen" { self = .citizen }
            else if text.hasPrefix("role:") { self = .role(String(text.dropFirst(5))) }
            else { self = .address(text) }
        }

        public var text: String {
            switch self {
            case .citizen: "citizen"
            case .role(let r): "role:\(r)"
            case .address(let a): a
            }
        }
    }

    /// How many times a webhook with an error branch is tried before the request takes that branch.
    public static let webhookAttempts = 5

    private enum Keys: String, CodingKey {
        case type, to, subject, body, text, id, url, onError, role, agent, field, expression, message, then, title, visibleToCitizen, label
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: Keys.self)
        let type = try c.decode(String.self, forKey: .type)
        switch type {
        case "email":
            self = .email(to: Recipient(try c.decode(String.self, forKey: .to)), subject: try c.decode(String.self, forKey: .subject),
                          body: try c.decode(String.self, forKey: .body))
        case "sms": self = .sms(to: try c.decode(String.self, forKey: .to), text: try c.decode(String.self, forKey: .text))
        case "webhook":
            self = .webhook(id: try c.decode(String.self, forKey: .id), url: try c.decode(String.self, forKey: .url),
                            onError: try c.decodeIfPresent(String.self, forKey: .onError))
        case "assign": self = .assign(role: try c.decode(String.self, forKey: .role), agent: try c.decodeIfPresent(String.self, forKey: .agent))
        case "set":
            self = .set(field: try c.decode(String.self, forKey: .field), expression: try c.decode(String.self, forKey: .expression),
                        label: try c.decodeIfPresent(String.self, forKey: .label))
        case "correction":
            self = .correction(message: try c.decode(String.self, forKey: .message), then: try c.decodeIfPresent(String.self, forKey: .then))
        case "document":
            self = .document(id: try c.decode(String.self, forKey: .id), title: try c.decode(String.self, forKey: .title),
                             body: try c.decode(String.self, forKey: .body),
                             visibleToCitizen: try c.decodeIfPresent(Bool.self, forKey: .visibleToCitizen) ?? true)
        case "anonymise": self = .anonymise
        case "delete": self = .delete
        default:
            throw DecodingError.dataCorruptedError(forKey: .type, in: c, debugDescription: "type d'action inconnu « \(type) »")
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: Keys.self)
        try c.encode(typeName, forKey: .type)
        switch self {
        case .email(let to, let subject, let body):
            try c.encode(to.text, forKey: .to); try c.encode(subject, forKey: .subject); try c.encode(body, forKey: .body)
        case .sms(let to, let text): try c.encode(to, forKey: .to); try c.encode(text, forKey: .text)
        case .webhook(let id, let url, let onError):
            try c.encode(id, forKey: .id); try c.encode(url, forKey: .url); try c.encodeIfPresent(onError, forKey: .onError)
        case .assign(let role, let agent): try c.encode(role, forKey: .role); try c.encodeIfPresent(agent, forKey: .agent)
        case .set(let field, let expression, let label):
            try c.encode(field, forKey: .field); try c.encode(expression, forKey: .expression); try c.encodeIfPresent(label, forKey: .label)
        case .correction(let message, let then): try c.encode(message, forKey: .message); try c.encodeIfPresent(then, forKey: .then)
        case .document(let id, let title, let body, let visible):
            try c.encode(id, forKey: .id); try c.encode(title, forKey: .title); try c.encode(body, forKey: .body)
            try c.encode(visible, forKey: .visibleToCitizen)
        case .anonymise, .delete: break
        }
    }

    public var typeName: String {
        switch self {
        case .email: "email"
        case .sms: "sms"
        case .webhook: "webhook"
        case .assign: "assign"
        case .set: "set"
        case .correction: "correction"
        case .document: "document"
        case .anonymise: "anonymise"
        case .delete: "delete"
        }
    }

    /// As the designer and the checks name it.
    public var french: String {
        switch self {
        case .email: "envoi d'e-mail"
        case .sms: "envoi de SMS"
        case .webhook(let id, _, _): "appel du webhook « \(id) »"
        case .assign: "affectation"
        case .set(let field, _, let label): "mise à jour du champ « \(label ?? field) »"
        case .correction: "demande de correction"
        case .document(_, let title, _, _): "document « \(title) »"
        case .anonymise: "anonymisation"
        case .delete: "suppression"
        }
    }
}
