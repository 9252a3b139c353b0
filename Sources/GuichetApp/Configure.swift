import Fluent
import FluentPostgresDriver
import FluentSQLiteDriver
import Foundation
import Identity
import Messaging
import Metrics
import PortalWeb
import GRCWeb
import DesignerWeb
import ConventionsWeb
import AdministrationWeb
import PublicAPI
import OpenIDConnect
import OpenIDConnectWeb
import Storage
import Territory
import Synchronization
import Vapor
import WebSupport

/// Wires the parts together: database, migrations, sessions, middleware, routes, outbox worker.
public func configure(_ app: Application, _ config: GuichetConfiguration) async throws {
    try FileManager.default.createDirectory(at: config.dataDirectory, withIntermediateDirectories: true)
    let isSQLite = config.databaseURL == nil
    let serving = servesHTTP(arguments: app.environment.arguments)
    if isSQLite && serving {
        let lock = try ServerLock(folder: config.dataDirectory)
        await app.storage.setWithAsyncShutdown(ServerLockKey.self, to: lock, onShutdown: { $0.release() })
    }
    let shared = try config.databaseURL.map { try SharedPostgres(url: $0, logger: Logger(label: "guichet.postgres")) }
    if let url = config.databaseURL {
        app.databases.use(try .postgres(url: url, maxConnectionsPerEventLoop: config.databasePoolSize), as: .psql)
    } else {
        let path = config.dataDirectory.appendingPathComponent("guichet.sqlite").path
        app.databases.use(.sqlite(.file(path), maxConnectionsPerEventLoop: 1), as: .sqlite)
    }
    app.migrations.add(GuichetMigrations.all)
    app.migrations.add(SessionRecord.migration)
    app.asyncCommands.use(MigrateCommand(), as: "migrate")
    app.asyncCommands.use(SeedCommand(), as: "seed")
    app.asyncCommands.use(InitCommand(), as: "init")
    app.asyncCommands.use(AdminCommand(), as: "admin")
    app.asyncCommands.use(OutboxCommand(), as: "outbox")
    app.asyncCommands.use(BundleCommand(), as: "bundle")
    app.asyncCommands.use(ConventionImportCommand(), as: "import")
    app.asyncCommands.use(ContributionsCommand(), as: "contributions")
    app.asyncCommands.use(KeysCommand(), as: "keys")
    app.asyncCommands.use(RelyingPartyCommand(), as: "oidc-client")
    app.asyncCommands.use(SecondFactorCommand(), as: "second-factor")

    if isSQLite {
        // WAL lets readers run beside the writer; the setting is stored in the file, so once is enough.
        _ = try await (app.db as! any SQLDatabase).raw("PRAGMA journal_mode=WAL").all()
    }
    if let shared {
        try await shared.whileHoldingMigrationLock { try await app.autoMigrate() }
    } else {
        try await app.autoMigrate()
    }

    let baseURL = config.baseURL
    let outbound = OutboundHTTP(policy: config.outbound)
    let serverSecret = try webhookSecret(config)
    let store = Store(database: { app.db }, files: FileVault(root: config.dataDirectory.appendingPathComponent("uploads")),
                      serialiseWrites: isSQLite, mails: Mails.workflow(followURL: { baseURL + "/suivi?numero=\($0)" },
                                                                      backOfficeURL: { baseURL + "/bo/\($0)/demandes/\($1)" }), clock: config.clock,
                      readSource: HTTPSourceReader.reader(client: outbound), draftLifetimeDays: config.draftLifetimeDays,
                      serverSecret: serverSecret, sharedDatabase: shared != nil,
                      keyCustody: config.keysSecret.map { .sealed(KeySeal(secret: $0)) } ?? .files(config.dataDirectory.appendingPathComponent("keys")))
    if let shared {
        // Every process announces its cache changes, a command too (`import` changes conventions); only servers,
        // which keep caches for long, listen.
        app.lifecycle.use(WorkerLifecycle { await store.announceCacheChanges() })
        if serving { app.lifecycle.use(WorkerLifecycle { await shared.listen(to: store.cacheBus) }) }
    }
    let transport: any MailTransport
    if let smtp = config.smtpURL {
        guard let smtpConfig = SMTPConfiguration(url: smtp) else { throw GuichetConfiguration.Invalid(description: "SMTP_URL is not a valid smtp:// URL") }
        transport = SMTPTransport(configuration: smtpConfig, from: config.mailFrom)
    } else {
        transport = FileMailTransport(folder: config.dataDirectory.appendingPathComponent("mail"), from: config.mailFrom)
    }
    let sms: any SMSGateway = config.smsGatewayURL.map { HTTPSMSGateway(url: $0, token: config.smsGatewayToken, client: outbound) }
        ?? FileSMSGateway(folder: config.dataDirectory.appendingPathComponent("sms"))
    let keys = WebhookKeys(secret: serverSecret)
    let worker = OutboxWorker(store: store, transport: transport, sms: sms, webhooks: WebhookClient(keys: keys, client: outbound, clock: config.clock),
                              logouts: BackChannelLogout(store: store, issuer: config.baseURL, client: outbound),
                              logger: Logger(label: "guichet.outbox"), lease: config.outboxLease)
    let timers = TimerWorker(store: store, logger: Logger(label: "guichet.timers"), sentRetentionDays: config.sentRetentionDays,
                             inactivity: config.inactivity.map { ($0, baseURL + "/compte/connexion") },
                             relayAlert: (config.relayAlertHours, baseURL + "/bo/\(TerritoryData.metropoleSlug)/relais"))
    app.storage[OutboxWorkerKey.self] = worker
    let connectors = ConnectorWorker(store: store, client: outbound, keys: keys, alert: { to, commune, since, error in
        Mails.connectorStopped(to: to, commune: commune.name, since: FrenchDate.string(since), error: error,
                               journalURL: baseURL + "/bo/\(TerritoryData.metropoleSlug)/connecteurs/\(commune.slug)")
    }, mailQueued: { await worker.wake() }, logger: Logger(label: "guichet.connectors"), clock: config.clock)
    app.storage[ConnectorWorkerKey.self] = connectors
    app.passwords.use(.bcrypt(cost: config.bcryptCost))
    let hasher = app.password
    let passwordCheck = PasswordCheck(timingHash: try hasher.hash(Secret.token())) { password, hash in
        try await hasher.async(on: app.threadPool, hopTo: app.eventLoopGroup.any()).verify(password, created: hash)
    }
    app.guichet = GuichetContext(store: store, renderer: try Renderer.load(parts: webParts), baseURL: config.baseURL,
                                 signInThrottle: AttemptThrottle(limits: .signIn),
                                 codeThrottle: AttemptThrottle(limits: .trackingCode), passwordCheck: passwordCheck, trustedProxies: config.trustedProxies,
                                 signingKeys: keys,
                                 formTokens: FormTokens(serverSecret: serverSecret),
                                 mailQueued: { await worker.wake(); await connectors.wake() },
                                 retention: (config.draftLifetimeDays, config.sentRetentionDays),
                                 franceConnect: config.franceConnect.map { FranceConnectClient(settings: $0, client: outbound, clock: config.clock) },
                                 relayRecipientOverride: config.relayRecipientOverride)
    // Only the server delivers: a command (`outbox`, `import`, `bundle`…) run beside a live server would otherwise
    // start a second worker.
    if config.production && serving { try await refuseDemoAccounts(store, app: app) }
    // Alone on its SQLite file (ServerLock), a server's predecessor is dead: its claims come back now, not after
    // their lease. Several processes on PostgreSQL wait for the lease (OUTBOX_LEASE_SECONDS).
    if isSQLite && serving { try await store.releaseClaims() }
    // A first start makes its signing keys now (an RSA key takes a moment), not in the first token request.
    if serving { app.lifecycle.use(WorkerLifecycle { _ = try? await store.keyRing() }) }
    if config.runOutboxWorker && serving {
        app.lifecycle.use(WorkerLifecycle { await worker.run() })
        app.lifecycle.use(WorkerLifecycle { await timers.run() })
        app.lifecycle.use(WorkerLifecycle { await connectors.run() })
    }

    app.routes.defaultMaxBodySize = "22mb"
    app.sessions.use { _ in ExpiringSessions(store: store) }
    let secure = config.baseURL.hasPrefix("https://")
    app.sessions.configuration = SessionsConfiguration(cookieName: "guichet_session") { id in
        HTTPCookies.Value(string: id.string, maxAge: 8 * 3600, path: "/", isSecure: secure, isHTTPOnly: true, sameSite: .lax)
    }

    app.middleware = Middlewares()
    app.middleware.use(SecurityHeadersMiddleware())
    app.middleware.use(AccessLog(level: .info))
    app.middleware.use(ErrorMiddleware.default(environment: app.environment))
    app.middleware.use(try StaticFiles(parts: webParts))
    app.middleware.use(app.sessions.middleware)
    app.middleware.use(CSRFCookieMiddleware(secure: secure))
    app.middleware.use(SiteErrorMiddleware())

    Operations.register(app, store: store)
    for part in webParts { part.register(app.routes) }
}

/// The web parts, each with its routes and resources: the citizens' portal, the back-office by product, the API.
var webParts: [any WebPart.Type] {
    [PortalRoutes.self, GRCRoutes.self, DesignerRoutes.self, ConventionRoutes.self, AdministrationRoutes.self, APIRoutes.self, OpenIDRoutes.self, ApplicationsRoutes.self]
}

struct OutboxWorkerKey: StorageKey { typealias Value = OutboxWorker }
struct ConnectorWorkerKey: StorageKey { typealias Value = ConnectorWorker }
struct ServerLockKey: StorageKey { typealias Value = ServerLock }

/// One server per SQLite file: its caches and workers assume they are alone with the data (several processes
/// need PostgreSQL). An exclusive lock on `serve.lock` in the data folder, held while the process lives; the
/// system releases it when the process ends, however it ends.
final class ServerLock: Sendable {
    private let descriptor: Mutex<Int32?>

    init(folder: URL) throws {
        let path = folder.appendingPathComponent("serve.lock").path
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw GuichetConfiguration.Invalid(description: "cannot open \(path)") }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            close(fd)
            throw GuichetConfiguration.Invalid(description: """
                another Guichet server already serves \(folder.path): a SQLite file serves one process; stop the other one first
                """)
        }
        descriptor = Mutex(fd)
    }

    func release() {
        descriptor.withLock { fd in
            if let open = fd { close(open) }
            fd = nil
        }
    }

    deinit { release() }
}

extension Application {
    /// The outbox worker, for commands and tests that deliver mail on demand.
    public var outboxWorker: OutboxWorker { storage[OutboxWorkerKey.self]! }
    /// The connectors' worker, for tests that deliver on demand.
    public var connectorWorker: ConnectorWorker { storage[ConnectorWorkerKey.self]! }
}

/// In production no account may be the demo's: none at demo.fr, no admin whose password is the demo one (the
/// README prints it). Checked at start-up; an admin's hash costs one bcrypt check each, on the thread pool.
func refuseDemoAccounts(_ store: Store, app: Application) async throws {
    let demo = try await store.demoAccountEmails()
    guard demo.isEmpty else {
        throw GuichetConfiguration.Invalid(description: """
            GUICHET_ENV=production: this database holds demo accounts (\(demo.prefix(3).joined(separator: ", "))\(demo.count > 3 ? "…" : "")). \
            Start from an empty database with guichet init and guichet admin create.
            """)
    }
    let hasher = app.password.async(on: app.threadPool, hopTo: app.eventLoopGroup.any())
    for admin in try await store.adminPasswordHashes() where !admin.hash.isEmpty {
        if try await hasher.verify(DemoData.password, created: admin.hash) {
            throw GuichetConfiguration.Invalid(description: "GUICHET_ENV=production: \(admin.email) has the demo password; choose another (« Mot de passe oublié »)")
        }
    }
}

/// Whether the command line runs the server: `guichet`, `guichet serve …`, or options only (Vapor's default
/// command is `serve`).
public func servesHTTP(arguments: [String]) -> Bool {
    guard let first = arguments.dropFirst().first else { return true }
    return first == "serve" || first.hasPrefix("-")
}

/// The webhook signing secret: configured, or generated once and kept in the data folder (owner-only).
func webhookSecret(_ config: GuichetConfiguration) throws -> Data {
    if let secret = config.webhookSecret { return Data(secret.utf8) }
    let file = config.dataDirectory.appendingPathComponent("webhook-secret")
    if let existing = try? Data(contentsOf: file), existing.count >= 32 { return existing }
    let secret = Data(Secret.token().utf8)
    try secret.write(to: file, options: .atomic)
    try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: file.path)
    return secret
}

/// Runs a background worker (outbox, timers) while the server runs. Shutdown waits for it to stop before the
/// database pools close, so no query is cut off mid-flight.
struct WorkerLifecycle: LifecycleHandler {
    let body: @Sendable () async -> Void
    final class TaskBox: @unchecked Sendable { var task: Task<Void, Never>? }
    let box = TaskBox()

    init(_ body: @escaping @Sendable () async -> Void) { self.body = body }

    func didBootAsync(_ application: Application) async throws { box.task = Task { await body() } }
    func shutdownAsync(_ application: Application) async {
        guard let task = box.task else { return }
        task.cancel()
        await task.value
        box.task = nil
    }
}
