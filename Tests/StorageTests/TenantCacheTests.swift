import GuichetTestSupport
@testable import Storage
import Synchronization
import XCTest

/// Cached reads are exact: what a committed write changed is never served from the cache afterwards.
final class TenantCacheTests: XCTestCase {
    func testAValueIsReadOnceUntilItsTenantIsInvalidated() async throws {
        let cache = TenantCache<Int>()
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
        let cache = TenantCache<String>()
        // The write commits and invalidates while the read is under way: the read may be stale, so it is not kept.
        let during = try await cache.value(tenant: "bron") { cache.invalidate("bron"); return "avant" }
        XCTAssertEqual(during, "avant")
        let next = try await cache.value(tenant: "bron") { "après" }
        XCTAssertEqual(next, "après")
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
