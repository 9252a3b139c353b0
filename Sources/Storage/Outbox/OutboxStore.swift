import Foundation
import SQLKit
import Workflow

/// An e-mail waiting in the outbox. Its content is decided when the state change is committed, so what is sent
/// is what the agent or citizen saw happen, however late delivery is.
public struct OutboxMail: Sendable, Codable, Equatable {
    public var to: String
    public var subject: String
    public var text: String
    public var attachments: [MailAttachment]
    public init(to: String, subject: String, text: String, attachments: [MailAttachment] = []) {
        self.to = to; self.subject = subject; self.text = text; self.attachments = attachments
    }

    enum CodingKeys: String, CodingKey { case to, subject, text, attachments }

    /// Messages queued before attachments existed have none.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(to: try c.decode(String.self, forKey: .to), subject: try c.decode(String.self, forKey: .subject),
                  text: try c.decode(String.self, forKey: .text), attachments: try c.decodeIfPresent([MailAttachment].self, forKey: .attachments) ?? [])
    }
}

/// A stored file sent with an e-mail. The outbox keeps only its name: the bytes are read from the vault when
/// the message is delivered (`bytes`, never stored), so a queued message costs a line, not a copy of the file.
public struct MailAttachment: Sendable, Codable, Equatable {
    public var fileID: String
    public var filename: String
    public var contentType: String
    public var bytes: Data? = nil

    public init(fileID: String, filename: String, contentType: String) {
        self.fileID = fileID; self.filename = filename; self.contentType = contentType
    }

    enum CodingKeys: String, CodingKey { case fileID = "file_id", filename, contentType = "content_type" }
}

/// A text message for the SMS gateway.
public struct SMSMessage: Sendable, Codable, Equatable {
    public var to: String
    public var text: String
    public init(to: String, text: String) { self.to = to; self.text = text }
}

/// A webhook call of a workflow: the request as JSON, POSTed signed to `url`; its answer goes back into the
/// request (see `recordWebhookAnswer`).
public struct WebhookCall: Sendable, Codable, Equatable {
    var demandeID: String
    public var collectivite: String
    public var number: String
    public var actionID: String
    public var url: String
    public var onError: String?
    public var body: String
}

/// A back-channel logout (OpenID Connect Back-Channel Logout 1.0): an application is told that a sign-in it
/// holds ended. The logout token is signed when it is delivered, so a retried notice is never stale.
public struct LogoutNotice: Sendable, Codable, Equatable {
    public var clientID: String
    public var subject: String
    public var sessionID: String
    public var url: String

    public init(clientID: String, subject: String, sessionID: String, url: String) {
        self.clientID = clientID; self.subject = subject; self.sessionID = sessionID; self.url = url
    }
}

/// What the outbox delivers.
public enum OutboxMessage: Sendable, Equatable {
    case email(OutboxMail)
    case sms(SMSMessage)
    case webhook(WebhookCall)
    case logout(LogoutNotice)

    var kind: String {
        switch self {
        case .email: "email"
        case .sms: "sms"
        case .webhook: "webhook"
        case .logout: "logout"
        }
    }

    func payload() throws -> String {
        switch self {
        case .email(let m): try jsonText(m)
        case .sms(let m): try jsonText(m)
        case .webhook(let w): try jsonText(w)
        case .logout(let l): try jsonText(l)
        }
    }

    init(kind: String, payload: String) throws {
        switch kind {
        case "sms": self = .sms(try fromJSON(SMSMessage.self, payload))
        case "webhook": self = .webhook(try fromJSON(WebhookCall.self, payload))
        case "logout": self = .logout(try fromJSON(LogoutNotice.self, payload))
        default: self = .email(try fromJSON(OutboxMail.self, payload))
        }
    }

    var hasUsableRecipient: Bool {
        switch self {
        case .email(let m): Email.isValid(m.to)
        case .sms(let m): !m.to.isEmpty
        case .webhook(let w): !w.url.isEmpty
        case .logout(let l): !l.url.isEmpty
        }
    }

    /// Recipient and subject, as the admins' list of failing deliveries shows them.
    public var summary: (kind: String, to: String, subject: String) {
        switch self {
        case .email(let m): ("E-mail", m.to, m.subject)
        case .sms(let m): ("SMS", m.to, String(m.text.prefix(60)))
        case .webhook(let w): ("Webhook", w.url, "Demande \(w.number) — \(w.actionID)")
        case .logout(let l): ("Déconnexion", l.url, "Application \(l.clientID)")
        }
    }
}

public struct OutboxEntry: Sendable, Equatable {
    /// The e-mail, if this entry is one.
    public var mail: OutboxMail? { if case .email(let m) = message { m } else { nil } }
    public var id: String
    public var message: OutboxMessage
    public var attempts: Int
    public var lastError: String?
    public var createdAt: Date
    public var nextAttemptAt: Date
}

extension Store {
    /// Adds messages inside the caller's transaction: they exist if and only if the state change does.
    func enqueue(_ mails: [OutboxMail], on sql: any SQLDatabase) async throws {
        try await Self.insertOutbox(mails, at: nowMillis, on: sql)
    }

    /// Messages without a usable recipient are dropped: no address, or an e-mail address that fails `Email`'s
    /// check (one taken from an answer, say), which could otherwise carry a line break into the headers.
    static func insertOutbox(_ mails: [OutboxMail], at now: Int64, on sql: any SQLDatabase) async throws {
        try await insertOutbox(mails.map(OutboxMessage.email), at: now, on: sql)
    }

    static func insertOutbox(_ messages: [OutboxMessage], at now: Int64, on sql: any SQLDatabase) async throws {
        try await insertOutbox(messages.map { (newID(), $0) }, at: now, on: sql)
    }

    /// The same, with the entries' ids chosen by the caller (to follow a delivery: a relay's e-mail).
    static func insertOutbox(_ entries: [(id: String, message: OutboxMessage)], at now: Int64, on sql: any SQLDatabase) async throws {
        try await insertRows(into: "outbox", columns: ["id", "kind", "payload", "attempts", "next_attempt_at", "created_at"],
                             try entries.filter(\.message.hasUsableRecipient).map { e in [e.id, e.message.kind, try e.message.payload(), 0, now, now] },
                             on: sql)
    }

    /// Queues messages on their own (no state change goes with them: account e-mails).
    public func enqueue(_ mails: [OutboxMail]) async throws {
        try await write { sql in try await self.enqueue(mails, on: sql) }
    }

    /// Messages due for delivery now, oldest first (read only: what a worker would claim).
    public func dueMessages(limit: Int) async throws -> [OutboxEntry] {
        try await entries(where: "sent_at IS NULL AND next_attempt_at <= \(nowMillis)", limit: limit)
    }

    /// Claims up to `limit` due messages, oldest first, for `lease` seconds (`Store.claim`). Whoever claimed a
    /// message marks it sent or failed: delivery is at least once.
    public func claimDue(limit: Int, lease: TimeInterval) async throws -> [OutboxEntry] {
        let due = Claim(table: "outbox", dueColumn: "next_attempt_at", condition: "sent_at IS NULL", order: "created_at",
                        returning: "id, kind, payload, attempts, last_error, created_at, next_attempt_at", claimColumn: "claimed_until")
        return try await claim(due, limit: limit, lease: lease, as: EntryRow.self).map { try $0.entry() }
            .sorted { ($0.createdAt, $0.id) < ($1.createdAt, $1.id) }
    }

    /// Undelivered messages that have failed at least once, every tenant's: for the platform's operators.
    public func failingMessages(limit: Int = 100, in scope: TenantScope) async throws -> [OutboxEntry] {
        try scope.requirePlatform() // the platform's outbox: a commune's admin would see other tenants' mail
        return try await entries(where: "sent_at IS NULL AND attempts > 0", limit: limit)
    }

    /// Undelivered messages, and among them those that failed at least once; one query, for `/metrics` and admins.
    public func outboxCounts() async throws -> (pending: Int, failing: Int) {
        struct Counts: Decodable { var pending: Int; var failing: Int? }
        let counts = try await sql.raw("""
            SELECT COUNT(*) AS pending, SUM(CASE WHEN attempts > 0 THEN 1 ELSE 0 END) AS failing FROM outbox WHERE sent_at IS NULL
            """).first(decoding: Counts.self)
        return (counts?.pending ?? 0, counts?.failing ?? 0)
    }

    /// Marks a message sent, as soon as its receiver accepted it: a crash right after re-sends at most the
    /// messages in flight, not a batch. Returns once committed; marks made at the same time share a commit.
    public func markSent(_ id: String) async throws {
        _ = try await outboxState.sentMarks.submit(id)
    }

    static func markSent(_ ids: [String], at now: Int64, on sql: any SQLDatabase) async throws -> [Bool] {
        try await sql.raw("UPDATE outbox SET sent_at = \(bind: now), last_error = NULL WHERE id IN (\(binds: ids))").run()
        return ids.map { _ in true }
    }

    /// Deletes messages delivered more than `retentionDays` ago, a batch at a time; returns how many. Sent
    /// messages hold tracking codes and one-time links in clear: kept a while for support, then gone.
    @discardableResult
    public func purgeSentMessages(retentionDays: Int) async throws -> Int {
        let before = nowMillis - Int64(max(1, min(retentionDays, 3650))) * 86_400_000
        return try await write { sql in
            try await sql.raw("""
                DELETE FROM outbox WHERE id IN (SELECT id FROM outbox WHERE sent_at IS NOT NULL AND sent_at < \(bind: before) LIMIT 1000)
                RETURNING id
                """).all().count
        }
    }

    /// Records a failed attempt and when to try again. Returns once committed; failures recorded at the same
    /// time (a relay down fails every delivery in flight) share a commit, so they do not crowd out the filings.
    public func markFailed(_ id: String, error: String, retryAt: Date) async throws {
        _ = try await outboxState.failureMarks.submit(FailureMark(id: id, error: String(error.prefix(500)), retryAt: Self.millis(retryAt)))
    }

    struct FailureMark: Sendable { var id: String; var error: String; var retryAt: Int64 }

    static func markFailed(_ marks: [FailureMark], on sql: any SQLDatabase) async throws -> [Bool] {
        for mark in marks {
            try await sql.raw("""
                UPDATE outbox SET attempts = attempts + 1, last_error = \(bind: mark.error), next_attempt_at = \(bind: mark.retryAt),
                    claimed_until = NULL
                WHERE id = \(bind: mark.id)
                """).run()
        }
        return marks.map { _ in true }
    }

    /// Gives back at once every claim on undelivered messages: for a server starting alone on its database
    /// (SQLite, under `ServerLock`), whose claims can only be a dead predecessor's. Returns how many.
    @discardableResult
    public func releaseClaims() async throws -> Int {
        let now = nowMillis
        return try await write { sql in
            try await sql.raw("""
                UPDATE outbox SET next_attempt_at = \(bind: now), claimed_until = NULL
                WHERE sent_at IS NULL AND claimed_until IS NOT NULL RETURNING id
                """).all().count
        }
    }

    /// Makes failing messages due now (the admin's "retry now"), for the platform's operators.
    public func retryFailingMessages(in scope: TenantScope) async throws {
        try scope.requirePlatform() // the platform's outbox: a commune's admin would see other tenants' mail
        let now = nowMillis
        try await write { sql in
            try await sql.raw("UPDATE outbox SET next_attempt_at = \(bind: now) WHERE sent_at IS NULL").run()
        }
    }

    private struct EntryRow: Decodable {
        var id: String; var kind: String; var payload: String; var attempts: Int; var lastError: String?; var createdAt: Int64; var nextAttemptAt: Int64
        func entry() throws -> OutboxEntry {
            OutboxEntry(id: id, message: try OutboxMessage(kind: kind, payload: payload), attempts: attempts, lastError: lastError,
                        createdAt: Date(millis: createdAt), nextAttemptAt: Date(millis: nextAttemptAt))
        }
    }

    private func entries(where condition: String, limit: Int) async throws -> [OutboxEntry] {
        try await sql.raw("""
            SELECT id, kind, payload, attempts, last_error, created_at, next_attempt_at FROM outbox
            WHERE \(unsafeRaw: condition) ORDER BY created_at LIMIT \(unsafeRaw: String(limit))
            """).all(decoding: EntryRow.self, keyDecodingStrategy: .convertFromSnakeCase).map { try $0.entry() }
    }
}
