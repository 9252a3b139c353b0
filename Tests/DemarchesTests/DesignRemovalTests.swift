import Demarches
import Workflow
import XCTest

/// What the designer says a removal takes with it, before the author confirms.
final class DesignRemovalTests: XCTestCase {
    let report = try! DemoCatalogue.definition("signalement-espace-public")
    let subsidy = try! DemoCatalogue.definition("subvention-association")

    func testRemovingAStatusNamesTheTransitionsThatGoWithIt() throws {
        let removal = try XCTUnwrap(DesignRemoval(.removeStatus(id: "en_cours"), in: report))
        XCTAssertEqual(removal.what, "le statut « En cours de traitement »")
        XCTAssertTrue(removal.consequences.contains("La transition « Prendre en charge », qui y mène, est supprimée aussi."), "\(removal.consequences)")
        XCTAssertTrue(removal.consequences.contains("La transition « Marquer comme résolu », qui n'en part que de lui, est supprimée aussi."))
        XCTAssertTrue(removal.consequences.contains("La transition « Classer sans suite » ne partira plus de ce statut."))
        // And the edit does what was said.
        let after = try report.applying(.removeStatus(id: "en_cours"))
        XCTAssertEqual(after.workflow.transitions.map(\.id), ["classer"])
        XCTAssertEqual(after.workflow.transition("classer")?.from, ["recue"])
    }

    func testRemovingAFieldNamesWhatUsesIt() throws {
        let removal = try XCTUnwrap(DesignRemoval(.removeField(id: "a_siret"), in: subsidy))
        XCTAssertEqual(removal.consequences, ["« Numéro SIRET » s'en sert (condition ou calcul) : il faudra le corriger avant de publier."])
        let unused = try XCTUnwrap(DesignRemoval(.removeField(id: "iban"), in: subsidy))
        XCTAssertEqual(unused.consequences, [])
        XCTAssertNil(DesignRemoval(.removeField(id: "inconnu"), in: subsidy))
    }

    func testAWholeWordIsAMentionAPrefixIsNot() {
        XCTAssertTrue(DesignRemoval.mentions("montant <= budget", "budget"))
        XCTAssertFalse(DesignRemoval.mentions("budget_total > 0", "budget"))
        XCTAssertFalse(DesignRemoval.mentions("sous_budget > 0", "budget"))
    }
}
