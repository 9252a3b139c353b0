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

    /// The index gives the linear search's answer for every name of the territory, typed in several ways, and for
    /// names it does not hold.
    func testTheIndexAnswersAsTheLinearSearch() throws {
        let territory = try TerritoryData.load()
        let index = PlaceNames.Index(territory)
        var typed = ["Paris", "", "  ", "Métropole de Lyon", "Lyon 3e", "LYON CEDEX 09", "St Genis Laval", "Ste Foy"]
        for c in territory {
            typed += [c.name, c.name.uppercased(), c.name.replacingOccurrences(of: "-", with: " "), c.name + " 2e",
                      c.name.replacingOccurrences(of: "Saint", with: "St"), String(c.name.dropLast())]
        }
        for name in typed {
            XCTAssertEqual(index.commune(named: name)?.slug, PlaceNames.commune(named: name, among: territory)?.slug, name)
        }
        XCTAssertEqual(index.commune(named: "Bron")?.slug, "bron")
    }
}
