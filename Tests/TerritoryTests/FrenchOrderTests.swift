@testable import Territory
import XCTest

final class FrenchOrderTests: XCTestCase {
    func testAccentsCaseAndPunctuationDoNotCountFirst() {
        let names = ["Villeurbanne", "Écully", "Vénissieux", "Saint-Priest", "Sathonay-Camp", "Oullins-Pierre-Bénite", "Œuvre", "Eyzin"]
        XCTAssertEqual(names.sortedFrench(by: { $0 }),
                       ["Écully", "Eyzin", "Œuvre", "Oullins-Pierre-Bénite", "Saint-Priest", "Sathonay-Camp", "Vénissieux", "Villeurbanne"])
        XCTAssertTrue(FrenchOrder.less("Lyon", "lyon") != FrenchOrder.less("lyon", "Lyon"), "the exact spelling breaks ties")
    }

    /// The ASCII shortcut gives Foundation's folding for every ASCII character and for mixed strings.
    func testTheASCIIShortcutAgreesWithTheGeneralWay() {
        var texts = (0..<128).map { String(UnicodeScalar(UInt8($0))) } + ["Lyon 3e", "SAINT-GENIS-LAVAL", "Collonges au Mont d'Or", "69001"]
        var seed: UInt64 = 7
        for _ in 0..<2_000 {
            var scalars = ""
            for _ in 0..<Int(seed % 21) {
                seed = seed &* 6364136223846793005 &+ 1442695040888963407
                scalars.unicodeScalars.append(UnicodeScalar(UInt8(seed >> 57)))
            }
            seed = seed &* 6364136223846793005 &+ 1442695040888963407
            texts.append(scalars)
        }
        for text in texts { XCTAssertEqual(FrenchOrder.key(text), FrenchOrder.foldedKey(text), text.debugDescription) }
        XCTAssertEqual(FrenchOrder.key("Écully"), "ecully", "other text takes the general way")
    }
}
