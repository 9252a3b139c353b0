import Fluent
import FluentPostgresDriver
import FluentSQLiteDriver
import Foundation
import Identity
import Messaging
import Metrics
import PortalWeb
import BackOfficeWeb
import PublicAPI
import Storage
import Vapor
import WebSupport

/// Wires the parts together: database, migrations, sessions, middleware, routes, outbox worker.
public func configure(_ app: Application, _ config: GuichetConfiguration) async throws {
    try FileManager.default.createDirectory(at: config.dataDirectory, withIntermediateDirectories: true)
    let isSQLite = config.databaseURL == nil
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
    app.asyncCommands.use(OutboxCommand(), as: "outbox")

    if isSQLite {
        // WAL lets readers run beside the writer; the setting is stored in the file, so once is enough.
        _ = try await (app.db as! any SQLDatabase).raw("PRAGMA journal_mode=WAL").all()
    }
    try await app.autoMigrate()

    let store = Store(database: { app.db }, files: FileVault(root: config.dataDirectory.appendingPathComponent("uploads")),
                      serialiseWrites: isSQLite)
    let transport: any MailTransport
    if let smtp = config.smtpURL {
        guard let smtpConfig = SMTPConfiguration(url: smtp) else { throw GuichetConfiguration.Invalid(description: "SMTP_URL is not a valid smtp:// URL") }
        transport = SMTPTransport(configuration: smtpConfig, from: config.mailFrom)
    } else {
        transport = FileMailTransport(folder: config.dataDirectory.appendingPathComponent("mail"), from: config.mailFrom)
    }
    let worker = OutboxWorker(store: store, transport: transport, logger: Logger(label: "guichet.outbox"))
    app.storage[OutboxWorkerKey.self] = worker
    app.guichet = GuichetContext(store: store, renderer: try await Renderer.load(), baseURL: config.baseURL,
                                 throttle: SignInThrottle(), mailQueued: { await worker.wake() })
    if config.runOutboxWorker { app.lifecycle.use(OutboxLifecycle(worker: worker)) }

    app.passwords.use(.bcrypt(cost: config.bcryptCost))
    app.routes.defaultMaxBodySize = "22mb"
    app.sessions.use(.fluent)
    let secure = config.baseURL.hasPrefix("https://")
    app.sessions.configuration = SessionsConfiguration(cookieName: "guichet_session") { id in
        HTTPCookies.Value(string: id.string, maxAge: 8 * 3600, path: "/", isSecure: secure, isHTTPOnly: true, sameSite: .lax)
    }

    app.middleware = Middlewares()
    app.middleware.use(SecurityHeadersMiddleware())
    app.middleware.use(RouteLoggingMiddleware(logLevel: .info))
    app.middleware.use(ErrorMiddleware.default(environment: app.environment))
    if let folder = StaticFiles.folder { app.middleware.use(FileMiddleware(publicDirectory: folder)) }
    app.middleware.use(app.sessions.middleware)

    Operations.register(app, store: store)
    PortalRoutes.register(app.routes)
    BackOfficeRoutes.register(app.routes)
    APIRoutes.register(app.routes)
}

struct OutboxWorkerKey: StorageKey { typealias Value = OutboxWorker }

extension Application {
    /// The outbox worker, for commands and tests that deliver mail on demand.
    public var outboxWorker: OutboxWorker { storage[OutboxWorkerKey.self]! }
}

/// Runs the outbox worker while the server runs. Shutdown waits for the worker to stop before the database pools
/// close, so no query is cut off mid-flight.
struct OutboxLifecycle: LifecycleHandler {
    let worker: OutboxWorker
    final class TaskBox: @unchecked Sendable { var task: Task<Void, Never>? }
    let box = TaskBox()

    func didBootAsync(_ application: Application) async throws { box.task = Task { await worker.run() } }
    func shutdownAsync(_ application: Application) async {
        guard let task = box.task else { return }
        task.cancel()
        await task.value
        box.task = nil
    }
}
