import FluentPostgresDriver
import Foundation
import GuichetApp
import Logging
import Messaging
import Storage
import Vapor
import XCTVapor

/// A Guichet app for tests: a temporary SQLite file, or a fresh PostgreSQL database when
/// `GUICHET_TEST_DATABASE_URL` points at a server (its database is only used to create and drop test ones).
/// The outbox worker does not run; tests read the outbox or deliver it themselves.
public final class TestGuichet: @unchecked Sendable {
    public let app: Application
    public var store: Store { app.guichet.store }
    let directory: URL
    let dropDatabase: (@Sendable () async throws -> Void)?
    let config: GuichetConfiguration
    /// The app's clock: tests move it (timers, deadlines, retries).
    public let clock: TestClock

    private static let quietLogs: Void = {
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = ProcessInfo.processInfo.environment["TEST_LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:)) ?? .error
            return handler
        }
    }()

    public static var usesPostgres: Bool { ProcessInfo.processInfo.environment["GUICHET_TEST_DATABASE_URL"] != nil }

    /// - Parameter seed: load the territory, demo démarches and demo accounts.
    public static func make(seed: Bool = true, configure: (inout GuichetConfiguration) -> Void = { _ in }) async throws -> TestGuichet {
        var setup = try await Setup.new()
        configure(&setup.config)
        let app = try await Application.make(.testing)
        do {
            try await GuichetApp.configure(app, setup.config)
            if seed { _ = try await DemoData.seed(app.guichet.store, hash: { try await app.password.async.hash($0) }) }
        } catch {
            try? await app.asyncShutdown()
            throw error
        }
        return TestGuichet(app: app, directory: setup.directory, dropDatabase: setup.drop, config: setup.config, clock: setup.clock)
    }

    /// `count` processes started at the same moment on one new PostgreSQL database, as servers behind a proxy
    /// started together would be: their migrations race. The first one seeds the demo data; all are booted (their
    /// background tasks run). Shut them down last first: the first one drops the database.
    public static func makeProcesses(_ count: Int, seed: Bool = true) async throws -> [TestGuichet] {
        let setup = try await Setup.new()
        let apps = try await withThrowingTaskGroup(of: (Int, Application).self) { group in
            for index in 0..<count {
                group.addTask {
                    // As `guichet serve` would: servers listen for the others' cache changes.
                    let app = try await Application.make(Environment(name: "testing", arguments: ["guichet", "serve"]))
                    do { try await GuichetApp.configure(app, setup.config) } catch { try? await app.asyncShutdown(); throw error }
                    return (index, app)
                }
            }
            var apps: [(Int, Application)] = []
            for try await app in group { apps.append(app) }
            return apps.sorted { $0.0 < $1.0 }.map(\.1)
        }
        let processes = apps.enumerated().map { index, app in
            TestGuichet(app: app, directory: setup.directory, dropDatabase: index == 0 ? setup.drop : nil, config: setup.config, clock: setup.clock)
        }
        for process in processes { try await process.app.asyncBoot() }
        if seed { _ = try await DemoData.seed(processes[0].store, hash: { try await processes[0].app.password.async.hash($0) }) }
        return processes
    }

    /// A test's configuration: its data folder, clock, and database (a new one on the PostgreSQL server, if any).
    struct Setup: Sendable {
        var config: GuichetConfiguration
        let directory: URL
        let clock: TestClock
        let drop: (@Sendable () async throws -> Void)?

        static func new() async throws -> Setup {
            _ = quietLogs
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("guichet-test-\(UUID().uuidString)")
            // bcrypt at cost 12 takes ~0.25 s a hash; production cost is checked in ConfigurationTests.
            var config = GuichetConfiguration(dataDirectory: directory, runOutboxWorker: false, bcryptCost: 4)
            let clock = TestClock()
            config.clock = { clock.now }
            // The tests' receivers (webhooks, data sources) listen on the loopback, over http.
            config.outbound = OutboundPolicy(allowedNetworks: IPNetwork("127.0.0.0/8").map { [$0] } ?? [], allowsPlainHTTP: true)
            var drop: (@Sendable () async throws -> Void)? = nil
            if let admin = ProcessInfo.processInfo.environment["GUICHET_TEST_DATABASE_URL"] {
                let name = "guichet_test_\(UUID().uuidString.prefix(8).lowercased())"
                try await adminSQL(admin, "CREATE DATABASE \(name)")
                config.databaseURL = replacingDatabase(in: admin, with: name)
                drop = { try await adminSQL(admin, "DROP DATABASE IF EXISTS \(name) WITH (FORCE)") }
            }
            return Setup(config: config, directory: directory, clock: clock, drop: drop)
        }
    }

    init(app: Application, directory: URL, dropDatabase: (@Sendable () async throws -> Void)?, config: GuichetConfiguration, clock: TestClock) {
        self.app = app; self.directory = directory; self.dropDatabase = dropDatabase; self.config = config; self.clock = clock
    }

    /// Stops this app and starts a new one on the same database and data folder, as a server restart would.
    public func restarted() async throws -> TestGuichet {
        try await app.asyncShutdown()
        let app = try await Application.make(.testing)
        do { try await GuichetApp.configure(app, config) } catch { try? await app.asyncShutdown(); throw error }
        return TestGuichet(app: app, directory: directory, dropDatabase: dropDatabase, config: config, clock: clock)
    }

    public func shutdown() async throws {
        try await app.asyncShutdown()
        try await dropDatabase?()
        try? FileManager.default.removeItem(at: directory)
    }

    public func browser() -> Browser { Browser(app: app, clock: clock) }

    /// E-mails waiting in the outbox, oldest first.
    public func outbox() async throws -> [OutboxMail] { try await store.dueMessages(limit: 10_000).compactMap(\.mail) }

    /// How many outbox messages are marked sent, read straight from the table.
    public func sentMessageCount() async throws -> Int {
        try await (app.db as! any SQLDatabase).raw("SELECT COUNT(*) AS n FROM outbox WHERE sent_at IS NOT NULL").first(decodingColumn: "n", as: Int.self) ?? 0
    }

    /// Where `.eml` files land when no SMTP server is configured.
    public var mailFolder: URL { directory.appendingPathComponent("mail") }

    /// A scope for an agent of the demo data, as the back-office would resolve it.
    public func agentScope(_ email: String, _ slug: String) async throws -> TenantScope? {
        guard let account = try await store.account(email: email) else { return nil }
        return try await store.agentScope(slug: slug, accountID: account.id)
    }

    static func adminSQL(_ url: String, _ sql: String) async throws {
        let app = try await Application.make(.testing)
        app.databases.use(try .postgres(url: url), as: .psql)
        do {
            _ = try await (app.db as! any SQLDatabase).raw(SQLQueryString(sql)).all()
        } catch {
            try? await app.asyncShutdown()
            throw error
        }
        try await app.asyncShutdown()
    }

    static func replacingDatabase(in url: String, with name: String) -> String {
        guard var components = URLComponents(string: url) else { return url }
        components.path = "/" + name
        return components.string ?? url
    }
}

/// A clock tests move by hand; starts at the real time.
public final class TestClock: @unchecked Sendable {
    private let lock = NSLock()
    private var current = Date()
    public init() {}
    public var now: Date { lock.withLock { current } }
    public func advance(_ seconds: TimeInterval) { lock.withLock { current += seconds } }
    public func advance(days: Int) { advance(Double(days) * 86_400) }
}

extension TestGuichet {
    /// Sets a collectivité's request counter back to zero, to provoke a duplicate number in a test.
    public func resetCounter(slug: String) async throws {
        _ = try await (app.db as! any SQLDatabase).raw("UPDATE counters SET value = 0 WHERE collectivite = \(bind: slug)").all()
    }
}
