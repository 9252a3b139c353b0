import Foundation
import GuichetTestSupport
import SQLKit
import Storage
import XCTest

/// Several Guichet processes on one PostgreSQL (a Métropole's servers behind its proxy): they start together,
/// and what one writes the others serve at once, though each keeps its own caches.
final class SeveralProcessesTests: XCTestCase {
    var processes: [TestGuichet] = []

    override func setUp() async throws {
        guard TestGuichet.usesPostgres else { throw XCTSkip("several processes need PostgreSQL; SQLite serves one (ServerLock)") }
        processes = try await TestGuichet.makeProcesses(2)
    }

    override func tearDown() async throws {
        for process in processes.reversed() { try await process.shutdown() }
    }

    func testProcessesStartingTogetherMigrateOnce() async throws {
        let sql = processes[1].app.db as! any SQLDatabase
        struct Row: Decodable { var name: String; var n: Int }
        let rows = try await sql.raw("SELECT name, COUNT(*) AS n FROM _fluent_migrations GROUP BY name").all(decoding: Row.self)
        XCTAssertFalse(rows.isEmpty)
        XCTAssertEqual(rows.filter { $0.n != 1 }.map(\.name), [], "each migration ran once")
        let demarches = try await processes[1].store.demarches(in: try await XCTUnwrapAsync(try await processes[1].store.citizenScope(slug: "bron")))
        XCTAssertFalse(demarches.isEmpty, "the second process serves what the first one seeded")
    }

    func testARequestFiledOnOneIsCountedInTheOthersInbox() async throws {
        let (a, b) = (processes[0], processes[1])
        let agent = try await XCTUnwrapAsync(try await b.agentScope("agent@caluire-et-cuire.demo.fr", "caluire-et-cuire"))
        let before = try await b.store.inbox(InboxQuery(), in: agent).total
        let again = try await b.store.inbox(InboxQuery(), in: agent).total
        XCTAssertEqual(again, before, "B's counts are cached")
        let filed = try await SubmissionTests.file(a)
        let seen = try await eventually { try await b.store.inbox(InboxQuery(), in: agent) }
            until: { $0.total == before + 1 }
        XCTAssertEqual(seen.rows.first?.number, filed.number)
    }

    func testADemarcheTakenOfflineOnOneIsGoneFromTheOthersPortal() async throws {
        let (a, b) = (processes[0], processes[1])
        let admin = try await XCTUnwrapAsync(try await a.agentScope("admin@caluire-et-cuire.demo.fr", "caluire-et-cuire"))
        let citizen = try await XCTUnwrapAsync(try await b.store.citizenScope(slug: "caluire-et-cuire"))
        let listed = try await b.store.demarches(in: citizen).map(\.slug)
        XCTAssertTrue(listed.contains("signalement-espace-public"))
        try await a.store.setPublished(false, slug: "signalement-espace-public", in: admin)
        _ = try await eventually { try await b.store.demarches(in: citizen).map(\.slug) }
            until: { !$0.contains("signalement-espace-public") }
    }

    func testAfterItsListeningConnectionDropsAProcessCatchesUp() async throws {
        let (a, b) = (processes[0], processes[1])
        let admin = try await XCTUnwrapAsync(try await a.agentScope("admin@caluire-et-cuire.demo.fr", "caluire-et-cuire"))
        let citizen = try await XCTUnwrapAsync(try await b.store.citizenScope(slug: "caluire-et-cuire"))
        _ = try await b.store.demarches(in: citizen)
        // The server ends every listening session (a failover, a restart of PostgreSQL's connection pooler…).
        let sql = a.app.db as! any SQLDatabase
        struct Ended: Decodable { var ended: Bool }
        let ended = try await sql.raw("""
            SELECT pg_terminate_backend(pid) AS ended FROM pg_stat_activity
            WHERE datname = current_database() AND query LIKE 'LISTEN%'
            """).all(decoding: Ended.self)
        XCTAssertEqual(ended.count, 2, "each process listens on a connection of its own")
        // Announced while B is not listening: B hears nothing, and must void its caches when it reconnects.
        try await a.store.setPublished(false, slug: "signalement-espace-public", in: admin)
        _ = try await eventually(seconds: 5) { try await b.store.demarches(in: citizen).map(\.slug) }
            until: { !$0.contains("signalement-espace-public") }
    }

    /// `read()`'s answer once `done` holds, polling for up to `seconds`; fails the test with the last answer.
    func eventually<T: Sendable>(seconds: Double = 2, _ read: () async throws -> T, until done: (T) -> Bool,
                                 file: StaticString = #filePath, line: UInt = #line) async throws -> T {
        let deadline = Date().addingTimeInterval(seconds)
        var last = try await read()
        while !done(last) {
            guard Date() < deadline else {
                XCTFail("still \(last) after \(seconds) s", file: file, line: line)
                return last
            }
            try await Task.sleep(for: .milliseconds(20))
            last = try await read()
        }
        return last
    }
}
