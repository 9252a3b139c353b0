import Workflow
import XCTest

/// The way a town hall closes a relayed request (« c'est fait »): the fewest steps to an end that is not an
/// unfavourable decision.
final class ClosingPathTests: XCTestCase {
    let workflow = WorkflowDefinition(
        initialStatus: "recue",
        statuses: [Status(id: "recue", label: "Reçue", colour: .blue), Status(id: "en_cours", label: "En cours", colour: .orange),
                   Status(id: "resolue", label: "Résolue", colour: .green, isEnd: true),
                   Status(id: "classee", label: "Classée sans suite", colour: .grey, isEnd: true, decision: .sansSuite)],
        transitions: [Transition(id: "prendre", label: "Prendre", from: ["recue"], to: "en_cours", roles: ["accueil"]),
                      Transition(id: "resoudre", label: "Résoudre", from: ["en_cours"], to: "resolue", roles: ["technique"]),
                      Transition(id: "classer", label: "Classer", from: ["recue", "en_cours"], to: "classee", roles: ["accueil"])])

    func testStepsCountTowardsTheFavourableEndOnly() {
        XCTAssertEqual(workflow.stepsToFavourableEnd, ["resolue": 0, "en_cours": 1, "recue": 2])
    }

    func testTheNextStepAvoidsClassingWithoutFollowUp() {
        let fromReceived = workflow.transitions.filter { $0.from.contains("recue") }
        XCTAssertEqual(workflow.nextStepToFavourableEnd(among: fromReceived)?.id, "prendre")
        let fromWork = workflow.transitions.filter { $0.from.contains("en_cours") }
        XCTAssertEqual(workflow.nextStepToFavourableEnd(among: fromWork)?.id, "resoudre")
        XCTAssertNil(workflow.nextStepToFavourableEnd(among: fromWork, staysOpen: true), "taking in hand never closes")
    }

    func testAWorkflowThatCanOnlyRefuseOffersNoWay() {
        var refusing = workflow
        refusing.transitions.removeAll { $0.id == "resoudre" }
        XCTAssertNil(refusing.stepsToFavourableEnd["recue"])
        XCTAssertNil(refusing.nextStepToFavourableEnd(among: refusing.transitions))
    }
}
