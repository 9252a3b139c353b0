import Demarches
import Expressions
import Foundation
import Routing
import Territory

/// A request as read back, with the definition of the version it was filed under.
public struct DemandeDetail: Sendable {
    public var id: String
    public var collectivite: String
    public var number: String
    public var status: String
    public var demarcheSlug: String
    public var demarche: VersionedDemarche
    public var accountID: String?
    public var email: String
    public var data: [String: FieldValue]
    public var submittedAt: Date
    public var updatedAt: Date
    public var events: [DemandeEvent]
    /// The files answered in the form and the documents the workflow generated (see `documents`).
    public var files: [StoredFile]
    /// Back-office fields set by the workflow and webhook answers; agents see them, citizens do not.
    public var backOffice: [String: FieldValue]
    public var assignedRole: String?
    public var assignedAgent: String?
    /// The message of a correction asked of the citizen and not yet sent back; nil when none is pending.
    public var correction: String?
    var correctionThen: String?
    var updatedMillis: Int64
    /// Generated documents, with whether the citizen may see each.
    public var documents: [(file: StoredFile, visibleToCitizen: Bool)]

    /// Who answers for it, as routing decided when it was filed; nil for a request filed before routing existed.
    public var routing: StoredRouting?
    /// The commune (slug) whose back-office holds it, relayed there from the collectivité it was filed with: that
    /// commune's agents process it; the filer's keep read access.
    public var sharedWith: String?

    /// The files the citizen sent with their messages (`reply`), by the history line (`DemandeEvent.seq`) they go with.
    public var replyFiles: [Int: [StoredFile]] = [:]

    /// `demande_files.field_id` of generated documents.
    static let documentField = "_document"
    static let internalDocumentField = "_document_interne"
    /// `demande_files.field_id` of a file sent with the citizen's message at history line `seq`.
    static func replyField(seq: Int) -> String { "\(replyPrefix)\(seq)" }
    static let replyPrefix = "_reponse:"
    static func replySeq(fieldID: String) -> Int? {
        fieldID.hasPrefix(replyPrefix) ? Int(fieldID.dropFirst(replyPrefix.count)) : nil
    }
}

/// A request's routing as kept with it: the collectivité and service that answer for it, and its category.
public struct StoredRouting: Sendable, Equatable {
    public var collectivite: String
    public var service: String?
    public var category: String?
}

public struct DemandeEvent: Sendable, Equatable, Decodable {
    public enum Kind: String, Sendable {
        case submitted, transition, note, message
        case assigned, document, anonymised, action
        case correctionRequested = "correction_requested", corrected
        /// The citizen wrote to the service (a reply to a message, with files perhaps).
        case reply
        case webhookAnswered = "webhook_answered", webhookFailed = "webhook_failed"
        /// An admin reopened a closed request (the reason in the body).
        case reopened
        /// Sent to the commune that answers for it (where, in the body); then the commune said it has it.
        case relayed, relayAcknowledged = "relay_acknowledged"
        /// An agent re-categorised it or corrected its place: who answered for it, then who does (in the body).
        case rerouted
    }
    public var seq: Int
    public var kind: String
    public var actorKind: String
    public var actorName: String
    public var fromStatus: String?
    public var toStatus: String?
    public var body: String?
    public var at: Int64

    public var eventKind: Kind? { Kind(rawValue: kind) }
    public var date: Date { Date(millis: at) }
    /// Internal notes and the workings of the back-office are for agents only.
    public var visibleToCitizen: Bool {
        switch eventKind {
        case .note, .assigned, .action, .webhookAnswered, .webhookFailed: false
        default: true
        }
    }
}

/// Who did something, as the history records it.
public struct Actor: Sendable {
    public var kind: String
    public var id: String?
    public var name: String
    public static func citizen(_ accountID: String?, name: String) -> Actor { Actor(kind: "citizen", id: accountID, name: name) }
    public static func agent(_ accountID: String, name: String) -> Actor { Actor(kind: "agent", id: accountID, name: name) }
    /// A town hall acting through a relay link (no person signed in: the link is the town hall's).
    public static func commune(_ slug: String, name: String) -> Actor { Actor(kind: "commune", id: slug, name: name) }
    /// Guichet itself: timers, automatic decisions, webhook answers.
    public static let system = Actor(kind: "system", id: nil, name: "Guichet")
}

public struct NewDemande: Sendable {
    public var demarche: VersionedDemarche
    public var values: [String: FieldValue]
    public var files: [(StoredFile, [UInt8])]
    public var accountID: String?
    public var submitterName: String
    /// Where the receipt and status e-mails go; empty if the citizen gave none.
    public var email: String
    /// The one-time key of the form submission (`Store.demandeNumber(submissionKey:in:)`); nil when the channel
    /// has none.
    public var submissionKey: String?
    /// Who answers for it; nil: the collectivité it is filed with, without a category.
    public var routing: RoutingDecision?
    /// The relay to the commune that answers for it, when that is not the collectivité it is filed with.
    public var relay: RelayOrder?

    public init(demarche: VersionedDemarche, values: [String: FieldValue], files: [(StoredFile, [UInt8])],
                accountID: String?, submitterName: String, email: String, submissionKey: String? = nil, routing: RoutingDecision? = nil) {
        self.demarche = demarche; self.values = values; self.files = files; self.accountID = accountID
        self.submitterName = submitterName; self.email = email; self.submissionKey = submissionKey; self.routing = routing
    }
}

/// A request's relay to a commune, written with the filing: the e-mail (composed once the request has its
/// number) and the link's secret, which the store keeps hashed.
public struct RelayOrder: Sendable {
    /// The commune's slug.
    public var commune: String
    public var channel: Relay.Channel
    /// Where the e-mail goes; nil when no address is known (the relay is recorded, and the Métropole alerted).
    public var address: String?
    public var secret: String
    /// The history's line: « Relayée par e-mail à la mairie de Bron (accueil@mairie-bron.fr) ».
    public var historyLine: String
    /// The e-mail of an `email` relay; nil for the others.
    public var mail: (@Sendable (FiledDemande) -> OutboxMail)?
    /// What a `connector` relay posts to the commune's software; nil for the others.
    public var notice: (@Sendable (FiledDemande) -> ConnectorNotice)?

    public init(commune: String, channel: Relay.Channel, address: String?, secret: String, historyLine: String,
                mail: (@Sendable (FiledDemande) -> OutboxMail)?, notice: (@Sendable (FiledDemande) -> ConnectorNotice)? = nil) {
        self.commune = commune; self.channel = channel; self.address = address; self.secret = secret; self.historyLine = historyLine
        self.mail = mail; self.notice = notice
    }
}

/// The result of filing: the tracking code exists in clear only here, to show and e-mail once.
public struct FiledDemande: Sendable, Equatable {
    public var id: String
    public var number: String
    public var trackingCode: String
    public var status: String
    public var submittedAt: Date
}

public struct InboxQuery: Sendable, Equatable {
    public enum Sort: String, Sendable, CaseIterable { case newest, oldest, number }
    public var demarcheSlug: String?
    public var status: String?
    public var from: Date?
    public var to: Date?
    public var text: String?
    public var sort: Sort = .newest
    /// 1-based; the store keeps it within `pages`, so no page number, however large, overflows the offset.
    public var page: Int = 1
    public var pageSize: Int = 50
    /// The requests other collectivités shared into this back-office (`DemandeDetail.sharedWith`) instead of its own.
    public var shared = false
    public init() {}

    /// The page numbers the inbox answers: far past any real inbox (a million pages of 200 requests).
    public static let pages = 1...1_000_000

    /// The date filters are days in Lyon, both included ("du 01/03/2026 au 31/03/2026"), typed as people write
    /// them (21/03/2026 or 2026-03-21). The back-office and the API read them with these, so a filter means the
    /// same on both. Nil when the text is not a day.
    public static func start(ofDay text: String) -> Date? { CivilDate.parse(text).flatMap(LocalTime.startOfDay(iso:)) }
    public static func end(ofDay text: String) -> Date? { CivilDate.parse(text).flatMap(LocalTime.endOfDay(iso:)) }
}

public struct InboxRow: Sendable, Equatable, Decodable {
    /// The collectivité it was filed with (another one's, in a shared inbox).
    public var collectivite: String
    public var number: String
    public var status: String
    public var demarcheSlug: String
    public var demarcheTitle: String
    public var email: String
    /// The name the citizen gave when filing (their account's, or the form's contact name).
    public var citizenName: String?
    public var submittedAt: Int64
    public var updatedAt: Int64
}

/// A line of a citizen's « Mes demandes ».
public struct AccountDemande: Sendable, Equatable {
    public var number: String
    public var demarcheTitle: String
    public var statusLabel: String
    public var submittedAt: Date
}

public struct InboxPage: Sendable {
    public var rows: [InboxRow]
    public var total: Int
    /// Counts per status under the same filters but the status one, for the status tabs.
    public var countsByStatus: [String: Int]
    public var page: Int
    public var pageSize: Int
    public var pageCount: Int { max(1, (total + pageSize - 1) / pageSize) }
}
