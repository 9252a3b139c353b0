import GuichetTestSupport
@testable import Storage
import Synchronization
import XCTest

/// Cached reads are exact: what a committed write changed is never served from the cache afterwards.
final class TenantCacheTests: XCTestCase {
    func testAValueIsReadOnceUntilItsTenantIsInvalidated() async throws {
        let cache = TenantCache<Int>("test", bus: CacheBus(broadcasts: false))
        let reads = Mutex(0)
        func read() async throws -> Int { reads.withLock { $0 += 1; return $0 } }
        let first = try await cache.value(tenant: "bron", read: read)
        let again = try await cache.value(tenant: "bron", read: read)
        XCTAssertEqual([first, again], [1, 1])
        cache.invalidate("caluire-et-cuire")
        let otherTenantWrote = try await cache.value(tenant: "bron", read: read)
        XCTAssertEqual(otherTenantWrote, 1, "a write elsewhere leaves this tenant's values")
        cache.invalidate("bron")
        let afterWrite = try await cache.value(tenant: "bron", read: read)
        XCTAssertEqual(afterWrite, 2)
        cache.invalidateAll()
        let afterAll = try await cache.value(tenant: "bron", read: read)
        XCTAssertEqual(afterAll, 3)
    }

    func testAValueReadWhileItsTenantChangesIsNotKept() async throws {
        let cache = TenantCache<String>("test", bus: CacheBus(broadcasts: false))
        // The write commits and invalidates while the read is under way: the read may be stale, so it is not kept.
        let during = try await cache.value(tenant: "bron") { cache.invalidate("bron"); return "avant" }
        XCTAssertEqual(during, "avant")
        let next = try await cache.value(tenant: "bron") { "après" }
        XCTAssertEqual(next, "après")
    }

    func testAnotherProcesssAnnouncementVoidsTheSameCacheHere() async throws {
        let here = CacheBus(broadcasts: true), there = CacheBus(broadcasts: true)
        let countsHere = TenantCache<Int>("counts", bus: here)
        let countsThere = TenantCache<Int>("counts", bus: there), listsThere = TenantCache<Int>("lists", bus: there)
        let reads = Mutex(0)
        func read() async throws -> Int { reads.withLock { $0 += 1; return $0 } }
        let primed = [try await countsThere.value(tenant: "bron", read: read), try await countsThere.value(tenant: "caluire-et-cuire", read: read),
                      try await listsThere.value(tenant: "bron", read: read), try await countsHere.value(tenant: "bron", read: read)]
        XCTAssertEqual(primed, [1, 2, 3, 4])

        countsHere.invalidate("bron")
        let payloads = here.takePayloads()
        XCTAssertEqual(payloads.count, 1)
        XCTAssertEqual(here.takePayloads(), [], "an announcement is sent once")
        let hereAgain = try await countsHere.value(tenant: "bron", read: read)
        here.received(payloads[0])
        let stillCached = try await countsHere.value(tenant: "bron", read: read)
        XCTAssertEqual(stillCached, hereAgain, "a process skips its own announcements")

        there.received(payloads[0])
        let voided = try await countsThere.value(tenant: "bron", read: read)
        let otherTenant = try await countsThere.value(tenant: "caluire-et-cuire", read: read)
        let otherCache = try await listsThere.value(tenant: "bron", read: read)
        XCTAssertEqual([otherTenant, otherCache], [2, 3], "only that cache's tenant is voided")
        XCTAssertEqual(voided, hereAgain + 1)

        countsHere.invalidateAll()
        there.received(try XCTUnwrap(here.takePayloads().first))
        let afterAll = try await countsThere.value(tenant: "caluire-et-cuire", read: read)
        XCTAssertEqual(afterAll, voided + 1)
        there.resynchronise()
        let afterMissing = try await listsThere.value(tenant: "bron", read: read)
        XCTAssertEqual(afterMissing, afterAll + 1, "when announcements may have been missed, every cache is voided")
    }

    func testManyChangesAreAnnouncedInPayloadsPostgreSQLAccepts() throws {
        let here = CacheBus(broadcasts: true)
        let cache = TenantCache<Int>("inbox-counts", bus: here)
        let tenants = (0..<600).map { "commune-au-nom-assez-long-numero-\($0)" }
        for tenant in tenants { cache.invalidate(tenant) }
        cache.invalidate(tenants[0])
        let payloads = here.takePayloads()
        XCTAssertGreaterThan(payloads.count, 1)
        XCTAssertTrue(payloads.allSatisfy { $0.utf8.count < 8_000 }, "NOTIFY refuses a payload of 8,000 bytes or more")
        let announced = payloads.flatMap { $0.split(separator: " ").dropFirst() }
        XCTAssertEqual(Set(announced).count, tenants.count)
        XCTAssertEqual(announced.count, tenants.count, "each change once")
        let silent = CacheBus(broadcasts: false)
        TenantCache<Int>("inbox-counts", bus: silent).invalidate("bron")
        XCTAssertEqual(silent.takePayloads(), [], "one process per database (SQLite): nothing to announce")
    }

    func testUnpublishingAndPublishingShowAtOnceOnThePortal() async throws {
        let guichet = try await TestGuichet.make()
        do {
            let store = guichet.store
            let citizen = try await XCTUnwrapAsync(try await store.citizenScope(slug: "caluire-et-cuire"))
            let admin = try await XCTUnwrapAsync(try await guichet.agentScope("admin@caluire-et-cuire.demo.fr", "caluire-et-cuire"))
            let before = try await store.demarches(in: citizen).map(\.slug)
            XCTAssertTrue(before.contains("signalement-espace-public"))
            try await store.setPublished(false, slug: "signalement-espace-public", in: admin)
            let hidden = try await store.demarches(in: citizen).map(\.slug)
            XCTAssertFalse(hidden.contains("signalement-espace-public"))
            let current = try await store.currentDemarche(slug: "signalement-espace-public", in: citizen)
            XCTAssertNil(current)
            let agentStillSees = try await store.demarches(in: admin).map(\.slug)
            XCTAssertTrue(agentStillSees.contains("signalement-espace-public"))
            var definition = try await XCTUnwrapAsync(try await store.currentDemarche(slug: "signalement-espace-public", in: admin)).definition
            definition.title = "Signaler un problème (v2)"
            try await store.publish(definition, in: admin)
            let stillHidden = try await store.currentDemarche(slug: "signalement-espace-public", in: citizen)
            XCTAssertNil(stillHidden, "a new version keeps the démarche offline unless told otherwise")
            try await store.publish(definition, online: true, in: admin)
            let republished = try await XCTUnwrapAsync(try await store.currentDemarche(slug: "signalement-espace-public", in: citizen))
            XCTAssertEqual(republished.definition.title, "Signaler un problème (v2)")
        } catch { try await guichet.shutdown(); throw error }
        try await guichet.shutdown()
    }
}
