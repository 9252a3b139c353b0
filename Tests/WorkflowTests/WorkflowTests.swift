import Workflow
import XCTest

final class WorkflowTests: XCTestCase {
    /// This workflow's transitions have no conditions.
    let none: (String) -> Bool = { _ in XCTFail("no condition to evaluate"); return false }
    let workflow = WorkflowDefinition(
        initialStatus: "recue",
        statuses: [Status(id: "recue", label: "Reçue", colour: .blue), Status(id: "en_cours", label: "En cours", colour: .orange),
                   Status(id: "close", label: "Close", colour: .green, isEnd: true)],
        transitions: [Transition(id: "prendre", label: "Prendre", from: ["recue"], to: "en_cours", roles: ["accueil"]),
                      Transition(id: "clore", label: "Clore", from: ["recue", "en_cours"], to: "close", roles: ["technique"])])

    func testAvailableTransitionsDependOnStatusAndRoles() {
        XCTAssertEqual(workflow.availableTransitions(from: "recue", roles: ["accueil"], holds: none).map(\.id), ["prendre"])
        XCTAssertEqual(workflow.availableTransitions(from: "recue", roles: ["accueil", "technique"], holds: none).map(\.id), ["prendre", "clore"])
        XCTAssertEqual(workflow.availableTransitions(from: "en_cours", roles: ["accueil"], holds: none).map(\.id), [])
        XCTAssertEqual(workflow.availableTransitions(from: "close", roles: ["accueil", "technique"], holds: none).map(\.id), [])
    }

    func testDecideGivesTheReasonOfARefusal() {
        XCTAssertEqual(try workflow.decide(transition: "prendre", from: "recue", roles: ["accueil"], holds: none).get().to, "en_cours")
        XCTAssertEqual(workflow.decide(transition: "prendre", from: "recue", roles: ["technique"], holds: none), .failure(.roleNotAllowed))
        XCTAssertEqual(workflow.decide(transition: "prendre", from: "en_cours", roles: ["accueil"], holds: none), .failure(.notFromThisStatus))
        XCTAssertEqual(workflow.decide(transition: "clore", from: "close", roles: ["technique"], holds: none), .failure(.notFromThisStatus))
        XCTAssertEqual(workflow.decide(transition: "inconnue", from: "recue", roles: ["accueil"], holds: none), .failure(.unknownTransition))
    }

    func testACitizenIsShownTheLastStatusTheyMaySee() {
        var w = workflow
        w.statuses[1].visibleToCitizen = false
        XCTAssertEqual(w.statusShownToCitizen("en_cours", history: ["recue", "en_cours"]), "recue")
        XCTAssertEqual(w.statusShownToCitizen("en_cours", history: []), "recue", "nothing seen yet: the initial status")
        XCTAssertEqual(w.statusShownToCitizen("close", history: ["recue", "en_cours", "close"]), "close")
    }

    func testAWellFormedWorkflowHasNoProblems() {
        XCTAssertEqual(WorkflowCheck.problems(in: workflow), [])
        XCTAssertEqual(workflow.roles, ["accueil", "technique"])
    }

    func testChecksFindBrokenWorkflows() {
        var broken = workflow
        broken.statuses.append(Status(id: "orpheline", label: "Orpheline", colour: .grey))
        let problems = WorkflowCheck.problems(in: broken)
        XCTAssertTrue(problems.contains("Le statut « Orpheline » n'a aucune issue et n'est pas un statut final."))
        XCTAssertTrue(problems.contains("Le statut « Orpheline » est inaccessible depuis le statut initial."))

        var endWithExit = workflow
        endWithExit.transitions.append(Transition(id: "rouvrir", label: "Rouvrir", from: ["close"], to: "recue", roles: ["accueil"]))
        XCTAssertTrue(WorkflowCheck.problems(in: endWithExit).contains("Le statut final « Close » ne peut pas avoir de transition sortante."))

        var unknown = workflow
        unknown.transitions[0].to = "nulle_part"
        XCTAssertTrue(WorkflowCheck.problems(in: unknown).contains("La transition « Prendre » mentionne un statut inconnu « nulle_part »."))

        var noRole = workflow
        noRole.transitions[0].roles = []
        XCTAssertTrue(WorkflowCheck.problems(in: noRole).contains("La transition « Prendre » n'est permise à aucun rôle."))

        var badInitial = workflow
        badInitial.initialStatus = "absente"
        XCTAssertTrue(WorkflowCheck.problems(in: badInitial).contains("Le statut initial « absente » n'existe pas."))
    }
}
