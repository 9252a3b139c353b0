import Routing
import Territory
import XCTest

/// A category's relay addresses as admins type them: « Commune : adresse », a line each.
final class RelayAddressesTests: XCTestCase {
    var territory: [Collectivite] = []
    override func setUpWithError() throws { territory = try TerritoryData.load() }

    func testNamesAreReadAsPeopleTypeThemAndTheTextReadsBack() throws {
        let parsed = try RelayAddresses.parse("bron : voirie@ville-bron.fr\n\n  Caluire et Cuire:eclairage@ville-caluire.fr  ", territory: territory).get()
        XCTAssertEqual(parsed, ["bron": "voirie@ville-bron.fr", "caluire-et-cuire": "eclairage@ville-caluire.fr"])
        let text = RelayAddresses.text(parsed, territory: territory)
        XCTAssertEqual(text, "Bron : voirie@ville-bron.fr\nCaluire-et-Cuire : eclairage@ville-caluire.fr")
        XCTAssertEqual(try RelayAddresses.parse(text, territory: territory).get(), parsed)
    }

    func testEachFaultyLineIsSaidWithItsNumber() {
        let text = "Bron : voirie@ville-bron.fr\nParis : accueil@paris.fr\nVénissieux sans deux-points\nBron : autre@ville-bron.fr\nGivors : pas-une-adresse"
        guard case .failure(let refused) = RelayAddresses.parse(text, territory: territory) else { return XCTFail("accepted") }
        XCTAssertEqual(refused.lines, [
            "Ligne 2 : « Paris » n'est pas une commune de la Métropole.",
            "Ligne 3 : écrivez « Commune : adresse ».",
            "Ligne 4 : Bron a déjà une adresse plus haut.",
            "Ligne 5 : « pas-une-adresse » n'est pas une adresse e-mail valide.",
        ])
    }

    func testTheCategorysAddressWinsOverTheTownHalls() throws {
        let bron = try XCTUnwrap(territory.first { $0.slug == "bron" })
        let lighting = CompetenceCategory(id: "eclairage-public", label: "Éclairage public", level: .commune,
                                          relayAddresses: ["bron": "voirie@ville-bron.fr"])
        XCTAssertEqual(Relay.address(for: bron, category: lighting), "voirie@ville-bron.fr")
        XCTAssertEqual(Relay.address(for: bron, category: nil), "accueil-mairie@ville-bron.fr")
        let lyon = try XCTUnwrap(territory.first { $0.slug == "lyon" })
        XCTAssertNil(Relay.address(for: lyon, category: nil), "Lyon's town hall has no address in the data")
    }
}
