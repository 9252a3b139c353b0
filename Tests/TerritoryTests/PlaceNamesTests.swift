import Territory
import XCTest

/// The commune a typed town name means (issue 14: a report in Lyon filed with Caluire is pointed to Lyon).
final class PlaceNamesTests: XCTestCase {
    func testTownNamesAsPeopleTypeThem() throws {
        let territory = try TerritoryData.load()
        func named(_ typed: String) -> String? { PlaceNames.commune(named: typed, among: territory)?.name }
        XCTAssertEqual(named("LYON 3E"), "Lyon")
        XCTAssertEqual(named("Lyon 03"), "Lyon")
        XCTAssertEqual(named("lyon 1er"), "Lyon")
        XCTAssertEqual(named("Lyon Cedex 07"), "Lyon")
        XCTAssertEqual(named("caluire et cuire"), "Caluire-et-Cuire")
        XCTAssertEqual(named("St Priest"), "Saint-Priest")
        XCTAssertEqual(named("Ecully"), "Écully")
        XCTAssertEqual(named("Sainte Foy les Lyon"), "Sainte-Foy-lès-Lyon")
        XCTAssertNil(named("Paris"), "outside the territory")
        XCTAssertNil(named("Lyonnais"))
        XCTAssertNil(named("  "))
        XCTAssertNil(named("Métropole de Lyon"), "the Métropole is no commune")
    }
}
