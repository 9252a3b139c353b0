import Expressions
import Foundation
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

    func testABackOfficeFieldReadsByItsLabel() {
        var w = workflow
        w.statuses[0].onEnter = [.set(field: "priorite", expression: "\"haute\"", label: "Priorité"),
                                 .set(field: "date_relance", expression: "aujourdhui()"),
                                 .webhook(id: "sig", url: "https://sig.exemple.fr", onError: nil)]
        XCTAssertEqual(w.backOfficeLabel("priorite"), "Priorité")
        XCTAssertEqual(w.backOfficeLabel("date_relance"), "Date relance", "no label: the identifier, spaced")
        XCTAssertEqual(w.backOfficeLabel(WorkflowNames.webhookResponse("sig")), "Réponse de « sig »")
        let json = try? JSONEncoder().encode(w.statuses[0].onEnter)
        let back = json.flatMap { try? JSONDecoder().decode([WorkflowAction].self, from: $0) }
        XCTAssertEqual(back, w.statuses[0].onEnter, "the label is stored")
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

final class DecisionRuleTests: XCTestCase {
    let workflow = WorkflowDefinition(
        initialStatus: "recue",
        statuses: [Status(id: "recue", label: "Reçue", colour: .blue),
                   Status(id: "refusee", label: "Refusée", colour: .red, isEnd: true, decision: .refus),
                   Status(id: "resolue", label: "Résolue", colour: .green, isEnd: true)],
        transitions: [Transition(id: "refuser", label: "Refuser", from: ["recue"], to: "refusee", roles: ["accueil"]),
                      Transition(id: "resoudre", label: "Résoudre", from: ["recue"], to: "resolue", roles: ["accueil"])])

    func testAButtonIntoAnEndStatusCloses() {
        XCTAssertEqual(workflow.closing(workflow.transitions[0])?.decision, .refus)
        XCTAssertEqual(workflow.closing(workflow.transitions[1])?.id, "resolue", "an end status without a decision still closes")
        var open = workflow
        open.statuses[2].isEnd = false
        XCTAssertNil(open.closing(open.transitions[1]))
    }

    func testARefusalIsDecidedOnlyWithItsReason() {
        let none: (String) -> Bool = { _ in false }
        XCTAssertEqual(workflow.decide(transition: "refuser", from: "recue", roles: ["accueil"], holds: none), .failure(.reasonRequired))
        XCTAssertEqual(workflow.decide(transition: "refuser", from: "recue", roles: ["accueil"], reason: " \n", holds: none), .failure(.reasonRequired))
        XCTAssertEqual(workflow.decide(transition: "refuser", from: "recue", roles: ["accueil"], reason: "Hors règlement.", holds: none).map(\.id),
                       .success("refuser"))
        XCTAssertEqual(workflow.decide(transition: "resoudre", from: "recue", roles: ["accueil"], holds: none).map(\.id), .success("resoudre"),
                       "only a refusal needs one")
    }

    func testOnlyARefusalRequiresAReasonAndOnlyAnAccordIsFavourable() {
        XCTAssertEqual(Decision.allCases.filter(\.requiresReason), [.refus])
        XCTAssertEqual(Decision.allCases.filter { !$0.isUnfavourable }, [.accord])
        XCTAssertTrue(Decision.appealWays(authority: "Bron").contains("recours gracieux adressé à Bron"))
    }

    func testADecisionBelongsToAnEndStatusAndAnAmountToAnAccord() {
        var w = workflow
        w.statuses[0].decision = .accord
        w.statuses[1].decisionAmount = "montant"
        XCTAssertEqual(WorkflowCheck.problems(in: w), [
            "Seul un statut final peut porter une décision (« Reçue » ne l'est pas).",
            "Seul un accord peut indiquer un montant accordé (statut « Refusée »).",
        ])
        XCTAssertEqual(WorkflowCheck.problems(in: workflow), [])
    }

    func testTheAgentsReasonTravelsWithTheMove() throws {
        let engine = WorkflowEngine(workflow: workflow, logic: WorkflowLogic(workflow, fields: [:]), calendar: Calendar(identifier: .gregorian),
                                    context: EvaluationContext(today: CivilDate(year: 2026, month: 12, day: 1)))
        let run = engine.take(workflow.transitions[0], from: "recue", values: [:], now: Date(), reason: "Hors délai")
        XCTAssertEqual(run.moves.map(\.reason), ["Hors délai"])
        XCTAssertEqual(run.status, "refusee")
    }
}
