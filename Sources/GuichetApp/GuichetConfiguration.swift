import Foundation
import Identity
import Messaging
import OpenIDConnect
import Workflow

/// Configuration from environment variables (documented in README.md). Bad values stop start-up with a message.
public struct GuichetConfiguration: Sendable {
    public var dataDirectory: URL
    /// `postgres://user:password@host:port/database`; nil means the embedded SQLite file in the data folder.
    public var databaseURL: String?
    /// Connections per event loop (one event loop per core).
    public var databasePoolSize: Int
    /// `smtp://…` or `smtps://…`; nil means e-mails are written as .eml files under `data/mail`.
    var smtpURL: String?
    var mailFrom: String
    public var baseURL: String
    /// Tests turn the background workers (outbox, timers) off and run them themselves.
    public var runOutboxWorker: Bool
    /// `https://…` of an SMS gateway (see `HTTPSMSGateway`); nil means SMS are written as files under `data/sms`.
    var smsGatewayURL: String?
    var smsGatewayToken: String?
    /// The secret webhook signing keys derive from; nil means one generated once and kept in `data/webhook-secret`.
    var webhookSecret: String?
    /// The secret the identity provider's private keys are sealed with in the database (`GUICHET_KEYS_SECRET`,
    /// 32 characters or more); nil means each key in an owner-only file under `data/keys`.
    var keysSecret: String?
    /// FranceConnect (`GUICHET_FRANCECONNECT`: integration, production or a base URL, with
    /// `GUICHET_FRANCECONNECT_CLIENT_ID` and `_CLIENT_SECRET`); nil hides its button.
    public var franceConnect: FranceConnectSettings?
    /// How long a form draft is kept after its last save (`DRAFT_LIFETIME_DAYS`, 1 to 365).
    public var draftLifetimeDays = 30
    /// Hours a relay to a commune may wait for its acknowledgement before the Métropole's admins are alerted.
    public var relayAlertHours = 48
    /// Every relay e-mail to this address instead of the town halls' (a test or training server).
    public var relayRecipientOverride: String?
    /// When unused citizens' accounts are warned, then deleted (`GUICHET_INACTIVE_WARN_MONTHS`, 23, and
    /// `GUICHET_INACTIVE_DELETE_MONTHS`, 24; `GUICHET_INACTIVE_DELETE_MONTHS=0` turns it off).
    public var inactivity: InactivityPolicy? = .standard
    /// How long delivered messages are kept (`OUTBOX_RETENTION_DAYS`, 1 to 365): they hold codes and links.
    public var sentRetentionDays = 30
    /// How long a message claimed for delivery is its process's (`OUTBOX_LEASE_SECONDS`, 30 to 3,600): if that
    /// process dies, the others deliver the message this much later.
    public var outboxLease: TimeInterval = OutboxWorker.defaultLease
    /// What time it is; tests move it.
    public var clock: @Sendable () -> Date = Date.init
    /// bcrypt cost; 12 in production. Only the test harness lowers it.
    public var bcryptCost: Int
    /// What webhooks, URL data sources and the SMS gateway may reach: the public Internet over https, plus the
    /// networks of `GUICHET_OUTBOUND_ALLOW` (intranet connectors), over http too when `GUICHET_OUTBOUND_HTTP=1`.
    public var outbound = OutboundPolicy.publicHTTPSOnly
    /// `GUICHET_ENV=production`: `serve` refuses to start with demo accounts, a non-https base URL or a webhook
    /// secret left to be generated.
    public var production = false
    /// The reverse proxies in front of Guichet (`GUICHET_TRUSTED_PROXIES`): only their `X-Forwarded-For` is read.
    public var trustedProxies: [IPNetwork] = []

    public init(dataDirectory: URL, databaseURL: String? = nil, databasePoolSize: Int = 4, smtpURL: String? = nil,
                mailFrom: String = "Guichet <ne-pas-repondre@guichet.localhost>", baseURL: String = "http://127.0.0.1:8080",
                runOutboxWorker: Bool = true, bcryptCost: Int = 12) {
        self.dataDirectory = dataDirectory; self.databaseURL = databaseURL; self.databasePoolSize = databasePoolSize
        self.smtpURL = smtpURL; self.mailFrom = mailFrom; self.baseURL = baseURL; self.runOutboxWorker = runOutboxWorker
        self.bcryptCost = bcryptCost
    }

    public struct Invalid: Error, CustomStringConvertible { public var description: String }

    public static func fromEnvironment(_ env: [String: String] = ProcessInfo.processInfo.environment) throws -> GuichetConfiguration {
        func value(_ key: String) -> String? { env[key].flatMap { $0.isEmpty ? nil : $0 } }
        let data = URL(fileURLWithPath: value("GUICHET_DATA_DIR") ?? "data", isDirectory: true).standardizedFileURL
        var config = GuichetConfiguration(dataDirectory: data)
        if let url = value("DATABASE_URL") {
            guard url.hasPrefix("postgres://") || url.hasPrefix("postgresql://") else {
                throw Invalid(description: "DATABASE_URL must start with postgres:// (unset it to use the embedded SQLite database)")
            }
            config.databaseURL = url
        }
        if let size = value("DATABASE_POOL_SIZE") {
            guard let n = Int(size), (1...64).contains(n) else { throw Invalid(description: "DATABASE_POOL_SIZE must be between 1 and 64") }
            config.databasePoolSize = n
        }
        if let smtp = value("SMTP_URL") {
            guard smtp.hasPrefix("smtp://") || smtp.hasPrefix("smtps://") else {
                throw Invalid(description: "SMTP_URL must start with smtp:// or smtps://")
            }
            config.smtpURL = smtp
        }
        if let from = value("GUICHET_MAIL_FROM") {
            guard (try? MailFormat.checkedAddress(from)) != nil, !from.contains(where: { $0.isNewline }) else {
                throw Invalid(description: "GUICHET_MAIL_FROM must be an address, or « Name <address> », on one line")
            }
            config.mailFrom = from
        }
        if let sms = value("SMS_GATEWAY_URL") {
            guard sms.hasPrefix("https://") || sms.hasPrefix("http://") else { throw Invalid(description: "SMS_GATEWAY_URL must be an http(s) URL") }
            config.smsGatewayURL = sms
        }
        config.smsGatewayToken = value("SMS_GATEWAY_TOKEN")
        if let secret = value("GUICHET_WEBHOOK_SECRET") {
            guard secret.count >= 32 else { throw Invalid(description: "GUICHET_WEBHOOK_SECRET must be at least 32 characters") }
            config.webhookSecret = secret
        }
        if let secret = value("GUICHET_KEYS_SECRET") {
            guard secret.count >= 32 else { throw Invalid(description: "GUICHET_KEYS_SECRET must be at least 32 characters") }
            config.keysSecret = secret
        }
        if let base = value("GUICHET_FRANCECONNECT") {
            do {
                config.franceConnect = try FranceConnectSettings(base: base, clientID: value("GUICHET_FRANCECONNECT_CLIENT_ID") ?? "",
                                                                 clientSecret: value("GUICHET_FRANCECONNECT_CLIENT_SECRET") ?? "")
            } catch { throw Invalid(description: error.description) }
        }
        if let hours = value("GUICHET_RELAY_ALERT_HOURS") {
            guard let n = Int(hours), (1...2_000).contains(n) else { throw Invalid(description: "GUICHET_RELAY_ALERT_HOURS must be between 1 and 2000") }
            config.relayAlertHours = n
        }
        if let to = value("GUICHET_RELAY_TO") {
            guard Email.isValid(to) else { throw Invalid(description: "GUICHET_RELAY_TO must be an e-mail address") }
            config.relayRecipientOverride = to
        }
        if let days = value("DRAFT_LIFETIME_DAYS") {
            guard let n = Int(days), (1...365).contains(n) else { throw Invalid(description: "DRAFT_LIFETIME_DAYS must be between 1 and 365") }
            config.draftLifetimeDays = n
        }
        /// "10.1.0.0/16, 192.168.4.7": every item must be an address or a network.
        func networks(_ key: String) throws -> [IPNetwork]? {
            guard let text = value(key) else { return nil }
            let items = text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            let networks = items.compactMap(IPNetwork.init)
            guard networks.count == items.count else {
                throw Invalid(description: "\(key) must list addresses or networks such as 10.1.0.0/16, 192.168.4.7 (comma-separated)")
            }
            return networks
        }
        if let allowed = try networks("GUICHET_OUTBOUND_ALLOW") { config.outbound.allowedNetworks = allowed }
        if let proxies = try networks("GUICHET_TRUSTED_PROXIES") { config.trustedProxies = proxies }
        if let http = value("GUICHET_OUTBOUND_HTTP") {
            guard ["0", "1"].contains(http) else { throw Invalid(description: "GUICHET_OUTBOUND_HTTP must be 0 or 1") }
            config.outbound.allowsPlainHTTP = http == "1"
        }
        if let days = value("OUTBOX_RETENTION_DAYS") {
            guard let n = Int(days), (1...365).contains(n) else { throw Invalid(description: "OUTBOX_RETENTION_DAYS must be between 1 and 365") }
            config.sentRetentionDays = n
        }
        if value("GUICHET_INACTIVE_DELETE_MONTHS") == "0" {
            config.inactivity = nil
        } else if value("GUICHET_INACTIVE_WARN_MONTHS") != nil || value("GUICHET_INACTIVE_DELETE_MONTHS") != nil {
            guard let warn = Int(value("GUICHET_INACTIVE_WARN_MONTHS") ?? "23"), let delete = Int(value("GUICHET_INACTIVE_DELETE_MONTHS") ?? "24"),
                  let policy = InactivityPolicy(warnAfterMonths: warn, deleteAfterMonths: delete) else {
                throw Invalid(description: "GUICHET_INACTIVE_WARN_MONTHS and GUICHET_INACTIVE_DELETE_MONTHS: months, 1 to 120, the warning before the deletion (or DELETE_MONTHS=0: never)")
            }
            config.inactivity = policy
        }
        if let seconds = value("OUTBOX_LEASE_SECONDS") {
            guard let n = Int(seconds), (30...3600).contains(n) else { throw Invalid(description: "OUTBOX_LEASE_SECONDS must be between 30 and 3600") }
            config.outboxLease = TimeInterval(n)
        }
        if let base = value("GUICHET_BASE_URL") {
            guard base.hasPrefix("http://") || base.hasPrefix("https://") else { throw Invalid(description: "GUICHET_BASE_URL must be an http(s) URL") }
            config.baseURL = base.hasSuffix("/") ? String(base.dropLast()) : base
        }
        if let env = value("GUICHET_ENV") {
            guard ["production", "development"].contains(env) else { throw Invalid(description: "GUICHET_ENV must be production or development") }
            config.production = env == "production"
        }
        if config.production {
            guard config.baseURL.hasPrefix("https://") else {
                throw Invalid(description: "GUICHET_ENV=production: GUICHET_BASE_URL must be the public https:// address (links in e-mails, Secure cookies)")
            }
            guard config.webhookSecret != nil else {
                throw Invalid(description: "GUICHET_ENV=production: set GUICHET_WEBHOOK_SECRET (32 characters or more) explicitly, so every instance signs with the same key")
            }
            guard config.keysSecret != nil else {
                throw Invalid(description: "GUICHET_ENV=production: set GUICHET_KEYS_SECRET (32 characters or more): the identity provider's signing keys are sealed with it, so every instance can sign")
            }
        }
        return config
    }
}
