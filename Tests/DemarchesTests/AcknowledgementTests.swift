import Demarches
import Foundation
import Territory
import Workflow
import XCTest

/// The acknowledgement of receipt's legal content (CRPA L112-11, R112-11-1).
final class AcknowledgementTests: XCTestCase {
    let caluire = try! XCTUnwrap(TerritoryData.load().first { $0.slug == "caluire-et-cuire" })
    /// 1 December 2026, 22:40 in Lyon.
    let received = Date(timeIntervalSince1970: 1_796_161_200)

    func text(_ slug: String, _ edit: (inout DemarcheDefinition) -> Void = { _ in }) throws -> String {
        var definition = try DemoCatalogue.definition(slug)
        edit(&definition)
        return Acknowledgement(demarche: definition, collectivite: caluire, number: "CAL-2026-000001", receivedAt: received,
                               followURL: "https://guichet.example/suivi?numero=CAL-2026-000001").text
    }

    func testSilenceMeaningRejectionGivesTheDateAndTheWaysOfAppeal() throws {
        let text = try text("subvention-association")
        XCTAssertTrue(text.contains("Reçue le : 01/12/2026 à 22 h 40"), text)
        XCTAssertTrue(text.contains("Service chargé de la demande : Caluire-et-Cuire — "), "with the town hall's address: \(text)")
        XCTAssertTrue(text.contains("2 mois, soit jusqu'au 01/02/2027. Sans réponse à cette date, la demande est réputée rejetée"), text)
        XCTAssertTrue(text.contains("Voies et délais de recours : ") && text.contains("tribunal administratif de Lyon"))
        XCTAssertTrue(text.contains("Suivi : https://guichet.example/suivi?numero=CAL-2026-000001"))
    }

    func testSilenceMeaningAcceptanceGivesTheRightToAnAttestation() throws {
        let text = try text("subvention-association") { $0.workflow.deadline?.silence = .accord }
        XCTAssertTrue(text.contains("réputée acceptée") && text.contains("L232-3"), text)
        XCTAssertFalse(text.contains("Voies et délais de recours"))
    }

    func testWithoutADeadlineItSaysNoImplicitDecisionFollows() throws {
        let text = try text("signalement-espace-public")
        XCTAssertTrue(text.contains("ne conduit pas à une décision implicite"), text)
    }
}
