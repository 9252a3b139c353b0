import Demarches
import Foundation
import GuichetApp
import GuichetTestSupport
import Storage
import Territory
import XCTest

/// The request store without HTTP: numbering, one transaction for request + history + outbox, versions pinned.
final class SubmissionTests: XCTestCase {
    var guichet: TestGuichet!
    override func setUp() async throws { guichet = try await TestGuichet.make() }
    override func tearDown() async throws { try await guichet.shutdown() }

    func file(_ slug: String = "caluire-et-cuire", email: String = "jean@exemple.fr", accountID: String? = nil) async throws -> FiledDemande {
        try await Self.file(guichet, slug, email: email, accountID: accountID)
    }

    static func file(_ guichet: TestGuichet, _ slug: String = "caluire-et-cuire", email: String = "jean@exemple.fr",
                     accountID: String? = nil) async throws -> FiledDemande {
        let store = guichet.store
        let scope = try await XCTUnwrapAsync(try await store.citizenScope(slug: slug))
        let demarche = try await XCTUnwrapAsync(try await store.currentDemarche(slug: "signalement-espace-public", in: scope))
        let new = NewDemande(demarche: demarche, values: ["description": .text("Tag rue Pasteur"), "email": .text(email)], files: [],
                             accountID: accountID, submitterName: "Jean", email: email)
        return try await store.submit(new, in: scope) { [OutboxMail(to: email, subject: "Reçu \($0.number)", text: "code \($0.trackingCode)")] }
    }

    static func attempt<T>(_ body: () async throws -> T) async -> Result<T, any Error> {
        do { return .success(try await body()) } catch { return .failure(error) }
    }

    func testNumbersFollowEachOtherPerCollectivite() async throws {
        let year = Calendar(identifier: .gregorian).component(.year, from: Date())
        let a = try await file()
        let b = try await file()
        let c = try await file("bron")
        XCTAssertEqual(a.number, "CAL-\(year)-000001")
        XCTAssertEqual(b.number, "CAL-\(year)-000002")
        XCTAssertEqual(c.number, "BRO-\(year)-000001")
        XCTAssertEqual(a.status, "recue")
    }

    func testConcurrentSubmissionsAreCommittedTogetherWithGaplessNumbers() async throws {
        let guichet = self.guichet!
        let year = Calendar(identifier: .gregorian).component(.year, from: Date())
        let filed = try await withThrowingTaskGroup(of: FiledDemande.self) { group in
            for i in 0..<60 { group.addTask { try await Self.file(guichet, i % 3 == 0 ? "bron" : "caluire-et-cuire", email: "n\(i)@exemple.fr") } }
            return try await group.reduce(into: [FiledDemande]()) { $0.append($1) }
        }
        XCTAssertEqual(Set(filed.map(\.number)), Set((1...40).map { RequestNumber.format(prefix: "CAL", year: year, sequence: $0) }
            + (1...20).map { RequestNumber.format(prefix: "BRO", year: year, sequence: $0) }))
        // Each caller got its own request back, with its own receipt queued.
        let mails = try await guichet.outbox()
        XCTAssertEqual(mails.count, 60)
        for request in filed {
            XCTAssertEqual(mails.filter { $0.subject == "Reçu \(request.number)" }.map(\.text), ["code \(request.trackingCode)"])
        }
        let counts = await guichet.store.filingCounts()
        XCTAssertEqual(counts.requests, 60)
        XCTAssertLessThan(counts.transactions, 60, "requests filed at the same moment share a transaction")
    }

    func testABadRequestInABatchFailsAloneAndLeavesNoGap() async throws {
        let guichet = self.guichet!
        let store = guichet.store
        let scope = try await XCTUnwrapAsync(try await store.citizenScope(slug: "caluire-et-cuire"))
        let real = try await XCTUnwrapAsync(try await store.currentDemarche(slug: "signalement-espace-public", in: scope))
        // A démarche that is not in the database: the foreign key refuses the row, and with it the whole batch.
        let ghost = { var d = real; d.id = "absente"; return d }()
        let results = await withTaskGroup(of: Result<FiledDemande, any Error>.self) { group in
            for i in 0..<30 {
                group.addTask {
                    if i == 15 {
                        let new = NewDemande(demarche: ghost, values: [:], files: [], accountID: nil, submitterName: "X", email: "x@exemple.fr")
                        return await Self.attempt { try await store.submit(new, in: scope) { _ in [OutboxMail(to: "x@exemple.fr", subject: "s", text: "t")] } }
                    }
                    return await Self.attempt { try await Self.file(guichet) }
                }
            }
            return await group.reduce(into: [Result<FiledDemande, any Error>]()) { $0.append($1) }
        }
        let filed: [FiledDemande] = results.compactMap { try? $0.get() }
        XCTAssertEqual(filed.count, 29, "only the bad request fails")
        let year = Calendar(identifier: .gregorian).component(.year, from: Date())
        XCTAssertEqual(Set(filed.map(\.number)), Set((1...29).map { RequestNumber.format(prefix: "CAL", year: year, sequence: $0) }))
        let queued = try await guichet.outbox().map(\.to)
        XCTAssertFalse(queued.contains("x@exemple.fr"))
        XCTAssertEqual(queued.count, 29)
    }

    func testTheReceiptIsQueuedWithTheRequest() async throws {
        let filed = try await file()
        let mails = try await guichet.outbox()
        XCTAssertEqual(mails, [OutboxMail(to: "jean@exemple.fr", subject: "Reçu \(filed.number)", text: "code \(filed.trackingCode)")])
    }

    func testAFailedTransactionLeavesNeitherRequestNorMail() async throws {
        let store = guichet.store
        let scope = try await XCTUnwrapAsync(try await store.citizenScope(slug: "caluire-et-cuire"))
        let demarche = try await XCTUnwrapAsync(try await store.currentDemarche(slug: "signalement-espace-public", in: scope))
        _ = try await file()
        let new = NewDemande(demarche: demarche, values: [:], files: [], accountID: nil, submitterName: "X", email: "x@exemple.fr")
        // Break the counter so the next number collides with the existing request: the insert fails, all rolls back.
        try await guichet.resetCounter(slug: "caluire-et-cuire")
        do {
            _ = try await store.submit(new, in: scope) { _ in [OutboxMail(to: "x@exemple.fr", subject: "s", text: "t")] }
            XCTFail("a duplicate number was accepted")
        } catch {}
        let agent = try await XCTUnwrapAsync(try await guichet.agentScope("agent@caluire-et-cuire.demo.fr", "caluire-et-cuire"))
        let page = try await store.inbox(InboxQuery(), in: agent)
        XCTAssertEqual(page.total, 1)
        let value1 = try await guichet.outbox().map(\.to)
        XCTAssertEqual(value1, ["jean@exemple.fr"], "the failed request's mail was not queued")
    }

    func testCitizensReadTheirRequestWithTheCodeOrTheirAccountOnly() async throws {
        let filed = try await file()
        let withCode = try await guichet.store.demandeForCitizen(number: filed.number, accountID: nil, trackingCode: filed.trackingCode.lowercased())
        XCTAssertEqual(withCode?.number, filed.number)
        let value2 = try await guichet.store.demandeForCitizen(number: filed.number, accountID: nil, trackingCode: "AAAA-BBBB")
        XCTAssertNil(value2)
        let value3 = try await guichet.store.demandeForCitizen(number: filed.number, accountID: nil, trackingCode: nil)
        XCTAssertNil(value3)
        let value4 = try await guichet.store.demandeForCitizen(number: filed.number, accountID: "someone-else", trackingCode: nil)
        XCTAssertNil(value4)
        let owner = try await XCTUnwrapAsync(try await guichet.store.account(email: "usager@demo.fr"))
        let owned = try await file(accountID: owner.id)
        let value5 = try await guichet.store.demandeForCitizen(number: owned.number, accountID: owner.id, trackingCode: nil)
        XCTAssertNotNil(value5)
        let mine = try await guichet.store.demandes(ofAccount: owner.id)
        XCTAssertEqual(mine.map(\.statusLabel), ["Reçue"])
        let value6 = mine.map(\.number)
        XCTAssertEqual(value6, [owned.number])
    }

    func testARequestKeepsTheVersionItWasFiledWith() async throws {
        let old = try await file()
        let scope = try await XCTUnwrapAsync(try await guichet.store.operatorScope(slug: "caluire-et-cuire"))
        var v2 = try DemoCatalogue.definition("signalement-espace-public")
        v2.title = "Signaler un problème (v2)"
        v2.workflow.statuses[0].label = "Bien reçue"
        let published = try await guichet.store.publish(v2, in: scope)
        XCTAssertEqual(published.version, 2)
        let new = try await file()
        let agent = try await XCTUnwrapAsync(try await guichet.agentScope("agent@caluire-et-cuire.demo.fr", "caluire-et-cuire"))
        let oldDetail = try await XCTUnwrapAsync(try await guichet.store.demande(number: old.number, in: agent))
        let newDetail = try await XCTUnwrapAsync(try await guichet.store.demande(number: new.number, in: agent))
        XCTAssertEqual(oldDetail.demarche.version, 1)
        XCTAssertEqual(oldDetail.demarche.definition.workflow.status("recue")?.label, "Reçue")
        XCTAssertEqual(newDetail.demarche.version, 2)
        XCTAssertEqual(newDetail.demarche.definition.workflow.status("recue")?.label, "Bien reçue")
    }

    func testPublishingIsForAdminsAndRefusesBrokenDefinitions() async throws {
        let agent = try await XCTUnwrapAsync(try await guichet.agentScope("agent@caluire-et-cuire.demo.fr", "caluire-et-cuire"))
        let definition = try DemoCatalogue.definition("acte-etat-civil")
        do { _ = try await guichet.store.publish(definition, in: agent); XCTFail("an agent published") } catch StoreError.forbidden {}
        let admin = try await XCTUnwrapAsync(try await guichet.agentScope("admin@caluire-et-cuire.demo.fr", "caluire-et-cuire"))
        var broken = definition
        broken.workflow.initialStatus = "absente"
        do { _ = try await guichet.store.publish(broken, in: admin); XCTFail("a broken definition was published") } catch is DefinitionError {}
        let current = try await guichet.store.currentDemarche(slug: "acte-etat-civil", in: admin)
        XCTAssertEqual(current?.version, 1, "nothing changed")
    }

    /// An *abonné* commune uses the frozen shared catalogue: its admin may not publish a démarche of their own (the
    /// store refuses, whatever page asks), while the command line still installs the catalogue's démarches there.
    func testAnAbonneCommunesAdminCannotPublish() async throws {
        // A membership is set when the collectivité is first loaded: Bron is loaded as abonnée, then seeded.
        let guichet = try await TestGuichet.make(seed: false)
        let territory = try TerritoryData.load().map { c -> Collectivite in
            var c = c
            if c.slug == "bron" { c.membership = .abonne }
            return c
        }
        try await guichet.store.loadTerritory(territory)
        _ = try await DemoData.seed(guichet.store, hash: { _ in "x" })
        let bronAgent = try await XCTUnwrapAsync(try await guichet.store.account(email: "agent@bron.demo.fr"))
        try await guichet.store.grantRoles(accountID: bronAgent.id, collectivite: "bron", roles: ["admin"])
        let admin = try await XCTUnwrapAsync(try await guichet.agentScope("agent@bron.demo.fr", "bron"))
        XCTAssertTrue(admin.isAdmin)
        XCTAssertEqual(admin.collectivite.membership, .abonne)
        var own = try DemoCatalogue.definition("acte-etat-civil")
        own.slug = "demarche-maison"
        do { _ = try await guichet.store.publish(own, in: admin); XCTFail("an abonné's admin published") } catch StoreError.forbidden {}
        let hers = try await guichet.store.demarches(in: admin).map(\.slug)
        XCTAssertFalse(hers.contains("demarche-maison"))
        let operatorScope = try await XCTUnwrapAsync(try await guichet.store.operatorScope(slug: "bron"))
        let installed = try await guichet.store.publish(own, in: operatorScope)
        XCTAssertEqual(installed.version, 1, "the command line installs the frozen catalogue")
        try await guichet.shutdown()
    }

    func testDraftsAreKeptPerAccountAndDemarche() async throws {
        let scope = try await XCTUnwrapAsync(try await guichet.store.citizenScope(slug: "caluire-et-cuire"))
        let demarche = try await XCTUnwrapAsync(try await guichet.store.currentDemarche(slug: "acte-etat-civil", in: scope))
        let account = try await XCTUnwrapAsync(try await guichet.store.account(email: "usager@demo.fr"))
        try await guichet.store.saveDraft(accountID: account.id, demarcheID: demarche.id, values: ["titulaire_nom": ["Dupont"]], in: scope)
        try await guichet.store.saveDraft(accountID: account.id, demarcheID: demarche.id, values: ["titulaire_nom": ["Durand"]], in: scope)
        let value7 = try await guichet.store.draft(accountID: account.id, demarcheID: demarche.id)
        XCTAssertEqual(value7?.values, ["titulaire_nom": ["Durand"]])
        guichet.clock.advance(days: 29)
        let stillKept = try await guichet.store.draft(accountID: account.id, demarcheID: demarche.id)
        XCTAssertNotNil(stillKept)
        guichet.clock.advance(days: 2)
        let expired = try await guichet.store.draft(accountID: account.id, demarcheID: demarche.id)
        XCTAssertNil(expired, "a draft is kept 30 days after its last save")
        try await guichet.store.saveDraft(accountID: account.id, demarcheID: demarche.id, values: ["titulaire_nom": ["Durand"]], in: scope)
        let bron = try await XCTUnwrapAsync(try await guichet.store.citizenScope(slug: "bron"))
        do {
            try await guichet.store.saveDraft(accountID: account.id, demarcheID: demarche.id, values: [:], in: bron)
            XCTFail("a draft was saved against another collectivité's démarche")
        } catch StoreError.notFound {}
        try await guichet.store.deleteDraft(accountID: account.id, demarcheID: demarche.id)
        let value8 = try await guichet.store.draft(accountID: account.id, demarcheID: demarche.id)
        XCTAssertNil(value8)
    }
}
