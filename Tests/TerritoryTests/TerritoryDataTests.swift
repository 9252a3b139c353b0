import Territory
import XCTest

final class TerritoryDataTests: XCTestCase {
    func testLoadsTheMetropoleAndItsFiftyEightCommunes() throws {
        let all = try TerritoryData.load()
        XCTAssertEqual(all.count, 59)
        XCTAssertEqual(all.first?.kind, .metropole)
        XCTAssertEqual(all.filter { $0.kind == .commune }.count, 58)
        XCTAssertEqual(Set(all.map(\.slug)).count, 59, "slugs are unique")
        XCTAssertEqual(Set(all.map(\.requestPrefix)).count, 59, "request prefixes are unique")
        XCTAssertTrue(all.allSatisfy { $0.slug.wholeMatch(of: /[a-z0-9]+(-[a-z0-9]+)*/) != nil }, "URL-safe slugs")
    }

    func testCaluireCarriesItsDataAndItsPartenaireOffer() throws {
        let caluire = try XCTUnwrap(try TerritoryData.load().first { $0.insee == "69034" })
        XCTAssertEqual(caluire.slug, "caluire-et-cuire")
        XCTAssertEqual(caluire.requestPrefix, "CAL")
        XCTAssertEqual(caluire.membership, .partenaire)
        XCTAssertTrue(caluire.hasInstance && caluire.hasBackOffice && caluire.authorsDemarches)
        XCTAssertEqual(caluire.populations[2017], 43187)
        XCTAssertEqual(caluire.latestPopulation?.year, 2021)
        XCTAssertEqual(caluire.townHall?.email, "mairie@ville-caluire.fr")
        XCTAssertEqual(caluire.townHall?.hours.first?.frenchDescription, "lundi au mercredi : 8 h 30 – 12 h 15, 13 h 30 – 17 h")
        XCTAssertTrue(caluire.boundaryGeoJSON?.contains("MultiPolygon") == true)
    }

    func testMembershipsFollowTheDeliberation() throws {
        let all = try TerritoryData.load()
        // Fourteen communes hold the partenaire offer in CP-2025-4074; the others have no Toodego offer yet.
        XCTAssertEqual(all.filter { $0.membership == .partenaire }.count, 14)
        let albigny = try XCTUnwrap(all.first { $0.insee == "69003" })
        XCTAssertEqual(albigny.membership, .none)
        XCTAssertFalse(albigny.hasInstance)
        // The Métropole's population is the sum of its communes'.
        XCTAssertEqual(all[0].populations[2021], all.dropFirst().compactMap { $0.populations[2021] }.reduce(0, +))
    }

    /// `guichet init --adhesions`: an operator's file replaces the shipped offers; a bad row refuses it all.
    func testMembershipsFromAnOperatorsFile() throws {
        let territory = try TerritoryData.load(memberships: "code_insee,nom,toodego_offre\n69034,Caluire,abonne\n69029,Bron,\n69259,Vénissieux,connecte\n")
        func offer(_ insee: String) -> Membership? { territory.first { $0.insee == insee }?.membership }
        XCTAssertEqual(offer("69034"), .abonne)
        XCTAssertEqual(offer("69029"), Membership.none, "an empty offer is none")
        XCTAssertEqual(offer("69259"), .connecte)
        XCTAssertEqual(territory.filter { $0.membership != .none }.count, 2, "communes the file does not name have none")
        XCTAssertThrowsError(try TerritoryData.load(memberships: "code_insee,toodego_offre\n69034,partenaire\n75056,partenaire\n")) {
            XCTAssertTrue("\($0)".contains("ligne 3"), "\($0)")
        }
        XCTAssertThrowsError(try TerritoryData.load(memberships: "code_insee,toodego_offre\n69034,premium\n")) {
            XCTAssertTrue("\($0)".contains("offre « premium » inconnue"), "\($0)")
        }
        XCTAssertThrowsError(try TerritoryData.load(memberships: "insee;offre\n69034;partenaire\n"), "the columns are named")
        XCTAssertThrowsError(try TerritoryData.load(memberships: "code_insee,toodego_offre\n69034,none\n"), "none is written as an empty cell")
    }

    func testMembershipRulesForEachOffer() {
        func commune(_ m: Membership) -> Collectivite {
            Collectivite(slug: "x", insee: "69999", name: "X", kind: .commune, membership: m, requestPrefix: "XXX")
        }
        XCTAssertFalse(commune(.none).hasInstance)
        XCTAssertTrue(commune(.connecte).hasInstance)
        XCTAssertFalse(commune(.connecte).hasBackOffice, "a connecté commune processes requests in its own GRC")
        XCTAssertTrue(commune(.abonne).hasBackOffice)
        XCTAssertFalse(commune(.abonne).authorsDemarches, "abonné démarches are frozen")
    }

    func testSlugs() {
        XCTAssertEqual(Slug.make("Caluire-et-Cuire"), "caluire-et-cuire")
        XCTAssertEqual(Slug.make("Marcy-l'Étoile"), "marcy-l-etoile")
        XCTAssertEqual(Slug.make("Sainte-Foy-lès-Lyon"), "sainte-foy-les-lyon")
        XCTAssertEqual(Slug.make("  La Tour-de-Salvagny "), "la-tour-de-salvagny")
        XCTAssertEqual(Slug.make("../etc"), "etc")
    }
}
