import Territory
import XCTest

final class FrenchOrderTests: XCTestCase {
    func testAccentsCaseAndPunctuationDoNotCountFirst() {
        let names = ["Villeurbanne", "Écully", "Vénissieux", "Saint-Priest", "Sathonay-Camp", "Oullins-Pierre-Bénite", "Œuvre", "Eyzin"]
        XCTAssertEqual(names.sortedFrench(by: { $0 }),
                       ["Écully", "Eyzin", "Œuvre", "Oullins-Pierre-Bénite", "Saint-Priest", "Sathonay-Camp", "Vénissieux", "Villeurbanne"])
        XCTAssertTrue(FrenchOrder.less("Lyon", "lyon") != FrenchOrder.less("lyon", "Lyon"), "the exact spelling breaks ties")
    }
}
