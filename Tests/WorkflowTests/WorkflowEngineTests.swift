import Expressions
import Foundation
import Workflow
import XCTest

/// The engine on a workflow that uses every kind of step: actions on entry, a conditional button, an
/// automatic routing, a timed transition, a global action, a legal deadline.
final class WorkflowEngineTests: XCTestCase {
    static let json = #"""
    {
      "initialStatus": "recue",
      "deadline": {"delay": {"months": 2}, "silence": "accord", "status": "accord_tacite"},
      "statuses": [
        {"id": "recue", "label": "Reçue", "colour": "blue", "onEnter": [
          {"type": "set", "field": "priorite", "expression": "si(montant > 1000, \"haute\", \"normale\")"},
          {"type": "email", "to": "role:instructeurs", "subject": "Demande {{ numero_demande }}", "body": "Montant : {{ montant }} €, priorité {{ priorite }}"}]},
        {"id": "tri", "label": "Tri", "colour": "grey", "visibleToCitizen": false},
        {"id": "urgente", "label": "Urgente", "colour": "red"},
        {"id": "instruction", "label": "En instruction", "colour": "orange"},
        {"id": "a_completer", "label": "À compléter", "colour": "purple"},
        {"id": "accordee", "label": "Accordée", "colour": "green", "isEnd": true, "onEnter": [
          {"type": "document", "id": "attestation", "title": "Attestation {{ numero_demande }}", "body": "Accordé le {{ aujourdhui() }}"}]},
        {"id": "accord_tacite", "label": "Accord tacite", "colour": "green", "isEnd": true},
        {"id": "close", "label": "Close", "colour": "grey", "isEnd": true}
      ],
      "transitions": [
        {"id": "trier", "label": "Tri automatique", "from": ["recue"], "to": "tri", "trigger": "automatic"},
        {"id": "urgence", "label": "Urgence", "from": ["tri"], "to": "urgente", "trigger": "automatic", "condition": "priorite == \"haute\""},
        {"id": "normal", "label": "Normal", "from": ["tri"], "to": "instruction", "trigger": "automatic"},
        {"id": "traiter", "label": "Traiter", "from": ["urgente"], "to": "instruction", "roles": ["instructeurs"]},
        {"id": "completer", "label": "Demander un complément", "from": ["instruction"], "to": "a_completer", "roles": ["instructeurs"],
         "actions": [{"type": "correction", "message": "Il manque le devis pour {{ montant }} €.", "then": "instruction"}]},
        {"id": "relancer", "label": "Sans réponse", "from": ["a_completer"], "to": "close", "trigger": {"after": {"days": 15}}},
        {"id": "accorder", "label": "Accorder", "from": ["instruction"], "to": "accordee", "roles": ["instructeurs"], "condition": "montant <= 5000"},
        {"id": "clore", "label": "Clore", "from": ["instruction", "urgente"], "to": "close", "roles": ["instructeurs"]}
      ],
      "globalActions": [
        {"id": "sms", "label": "Prévenir par SMS", "roles": ["instructeurs"], "actions": [{"type": "sms", "to": "{{ telephone }}", "text": "Demande {{ numero_demande }} : {{ statut_demande }}"}]}
      ]
    }
    """#

    let fields: [String: ValueType] = ["montant": .number, "telephone": .text]
    var workflow: WorkflowDefinition!
    var engine: WorkflowEngine!
    let now = Date(timeIntervalSince1970: 1_795_000_000) // 2026-11-18 (Paris)
    var paris: Calendar { var c = Calendar(identifier: .gregorian); c.timeZone = TimeZone(identifier: "Europe/Paris")!; return c }

    override func setUp() {
        workflow = try! JSONDecoder().decode(WorkflowDefinition.self, from: Data(Self.json.utf8))
        engine = WorkflowEngine(workflow: workflow, logic: WorkflowLogic(workflow, fields: fields), calendar: paris,
                                context: EvaluationContext(today: CivilDate(year: 2026, month: 11, day: 18)))
    }

    func values(montant: Decimal) -> [String: Value] {
        ["montant": .number(montant), "telephone": .text("0612345678"), WorkflowNames.number: .text("LYO-2026-000001")]
    }

    func testTheExampleChecksAndItsJSONRoundTrips() throws {
        XCTAssertEqual(WorkflowCheck.problems(in: workflow, logic: WorkflowLogic(workflow, fields: fields)), [])
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let again = try JSONDecoder().decode(WorkflowDefinition.self, from: encoder.encode(workflow))
        XCTAssertEqual(again, workflow)
        XCTAssertTrue(workflow.startsWithWork)
    }

    func testFilingRunsEntryActionsThenRoutesByTheValueTheyComputed() {
        let high = engine.file(values: values(montant: 2500), now: now)
        XCTAssertEqual(high.moves.map(\.to), ["tri", "urgente"])
        XCTAssertEqual(high.status, "urgente")
        XCTAssertEqual(high.moves.map(\.notifiesCitizen), [false, true], "a move into a hidden status is not announced")
        XCTAssertEqual(high.effects.first, .set(field: "priorite", value: .text("haute")))
        XCTAssertEqual(high.effects.dropFirst().first,
                       .email(to: .role("instructeurs"), subject: "Demande LYO-2026-000001", body: "Montant : 2500 €, priorité haute"))
        XCTAssertEqual(high.timers, [])

        let low = engine.file(values: values(montant: 300), now: now)
        XCTAssertEqual(low.status, "instruction")
        XCTAssertEqual(low.values["priorite"], .text("normale"))
    }

    func testAButtonWithAConditionIsOfferedOnlyWhileItHolds() {
        let small = values(montant: 300), big = values(montant: 9000)
        XCTAssertEqual(workflow.availableTransitions(from: "instruction", roles: ["instructeurs"]) { self.engine.holds($0, values: small) }.map(\.id),
                       ["completer", "accorder", "clore"])
        XCTAssertEqual(workflow.availableTransitions(from: "instruction", roles: ["instructeurs"]) { self.engine.holds($0, values: big) }.map(\.id),
                       ["completer", "clore"])
        XCTAssertEqual(workflow.decide(transition: "accorder", from: "instruction", roles: ["instructeurs"]) { self.engine.holds($0, values: big) }
                        .map(\.id), .failure(.conditionNotMet))
        XCTAssertEqual(workflow.decide(transition: "trier", from: "recue", roles: ["instructeurs"]) { self.engine.holds($0, values: small) }
                        .map(\.id), .failure(.unknownTransition),
                       "an automatic transition is no button")
    }

    func testACorrectionArmsTheTimerOfItsStatusAndTheTimedTransitionLeadsOn() throws {
        let run = engine.take(workflow.transition("completer")!, from: "instruction", values: values(montant: 300), now: now)
        XCTAssertEqual(run.status, "a_completer")
        XCTAssertEqual(run.effects, [.correction(message: "Il manque le devis pour 300 €.", then: "instruction")])
        let timer = try XCTUnwrap(run.timers?.first)
        XCTAssertEqual(timer.transitionID, "relancer")
        XCTAssertEqual(timer.due, paris.date(byAdding: .day, value: 15, to: now))
    }

    func testTheAgentsCorrectionReplacesTheDemarchesTextAndIsCheckedOnTheButton() throws {
        let completer = try XCTUnwrap(workflow.transition("completer"))
        XCTAssertEqual(workflow.asksCorrection(completer), "Il manque le devis pour {{ montant }} €.")
        XCTAssertNil(workflow.asksCorrection(try XCTUnwrap(workflow.transition("clore"))))
        XCTAssertEqual(engine.text("Il manque le devis pour {{ montant }} €.", values: values(montant: 300)), "Il manque le devis pour 300 €.")
        let run = engine.take(completer, from: "instruction", values: values(montant: 300), now: now, correction: "Le devis signé, page 2 comprise.")
        XCTAssertEqual(run.effects, [.correction(message: "Le devis signé, page 2 comprise.", then: "instruction")])

        func decide(_ id: String, reason: String? = nil, correction: String?) -> Result<String, TransitionRefusal> {
            workflow.decide(transition: id, from: "instruction", roles: ["instructeurs"], reason: reason, correction: correction) {
                self.engine.holds($0, values: self.values(montant: 300))
            }.map(\.id)
        }
        XCTAssertEqual(decide("completer", correction: " \n "), .failure(.correctionRequired))
        XCTAssertEqual(decide("completer", correction: String(repeating: "a", count: 5001)), .failure(.textTooLong))
        XCTAssertEqual(decide("completer", correction: "Le devis."), .success("completer"))
        XCTAssertEqual(decide("clore", correction: "Le devis."), .failure(.correctionNotAsked), "no text silently dropped")
        XCTAssertEqual(decide("clore", reason: String(repeating: "a", count: 5001), correction: nil), .failure(.textTooLong))
        XCTAssertEqual(decide("clore", correction: nil), .success("clore"), "closing without a decision that needs a reason")
    }

    func testReachingAnEndRunsItsActionsAndClearsTimers() {
        let run = engine.take(workflow.transition("accorder")!, from: "instruction", values: values(montant: 300), now: now)
        XCTAssertEqual(run.status, "accordee")
        XCTAssertEqual(run.effects, [.document(id: "attestation", title: "Attestation LYO-2026-000001", text: "Accordé le 18/11/2026", visibleToCitizen: true)])
        XCTAssertEqual(run.timers, [])
    }

    func testAGlobalActionRendersItsTextWithoutMoving() {
        var v = values(montant: 300)
        v[WorkflowNames.status] = .text("En instruction")
        let run = engine.run(workflow.globalAction("sms")!, in: "instruction", values: v, now: now)
        XCTAssertEqual(run.status, "instruction")
        XCTAssertNil(run.timers, "no move: the status keeps its timers")
        XCTAssertEqual(run.effects, [.sms(to: "0612345678", text: "Demande LYO-2026-000001 : En instruction")])
    }

    func testDeleteStopsEverythingAfterIt() throws {
        var w = workflow!
        w.globalActions.append(GlobalAction(id: "purge", label: "Supprimer", roles: ["instructeurs"],
                                            actions: [.delete, .sms(to: "0600000000", text: "jamais")]))
        let e = WorkflowEngine(workflow: w, logic: WorkflowLogic(w, fields: fields), calendar: paris, context: engine.context)
        let run = e.run(w.globalAction("purge")!, in: "instruction", values: values(montant: 1), now: now)
        XCTAssertTrue(run.deleted)
        XCTAssertEqual(run.effects, [.delete])
    }

    func testDelaysCountCalendarMonthsAndDaysInParis() {
        let jan31 = paris.date(from: DateComponents(year: 2027, month: 1, day: 31, hour: 10))!
        XCTAssertEqual(paris.dateComponents([.month, .day, .hour], from: Delay(months: 1).after(jan31, in: paris)),
                       DateComponents(month: 2, day: 28, hour: 10))
        // Across the clock change of 28 March 2027, a day still ends at the same hour.
        let march27 = paris.date(from: DateComponents(year: 2027, month: 3, day: 27, hour: 9))!
        XCTAssertEqual(paris.component(.hour, from: Delay(days: 2).after(march27, in: paris)), 9)
        XCTAssertEqual(Delay(months: 2, days: 15).french, "2 mois et 15 jours")
        XCTAssertEqual(Delay(days: 1, hours: 2, minutes: 30).french, "1 jour, 2 heures et 30 minutes")
    }

    func testChecksFindBrokenLogic() {
        var w = workflow!
        w.transitions[1].condition = "priorite == 3"
        w.statuses[0].onEnter.append(.email(to: .address("personne"), subject: "{{ inconnu }}", body: "{{ montant"))
        w.statuses[0].onEnter.append(.email(to: .address("agent@caluire.fr\r\nBcc: pirate@evil.example"), subject: "s", body: "b"))
        w.deadline = LegalDeadline(delay: Delay(), silence: .rejet, status: "instruction")
        w.transitions.append(Transition(id: "boucle", label: "Boucle", from: ["accordee_bis"], to: "recue", trigger: .automatic))
        w.statuses.append(Status(id: "accordee_bis", label: "Bis", colour: .grey))
        w.transitions.append(Transition(id: "retour", label: "Retour", from: ["recue"], to: "accordee_bis", trigger: .automatic))
        let problems = WorkflowCheck.problems(in: w, logic: WorkflowLogic(w, fields: fields))
        for expected in [
            "Le délai légal de réponse doit être positif et d'au plus 100 ans.",
            "La décision implicite doit mener à un statut final (« En instruction » ne l'est pas).",
            "Un e-mail à l'entrée du statut « Reçue » a un destinataire invalide « personne » (attendu : citizen, role:…, ou une adresse).",
            "Les transitions automatiques sans condition forment une boucle : accordee_bis → recue → accordee_bis.",
        ] where !problems.contains(expected) {
            XCTFail("missing « \(expected) » in \(problems)")
        }
        XCTAssertTrue(problems.contains { $0.hasPrefix("Un e-mail à l'entrée du statut « Reçue » a un destinataire invalide « agent@caluire.fr") },
                      "an address with a line break is refused: \(problems)")
        XCTAssertTrue(problems.contains { $0.hasPrefix("Dans la condition de la transition « Urgence »") }, "\(problems)")
        XCTAssertTrue(problems.contains { $0.hasPrefix("Dans l'objet d'un e-mail (à l'entrée du statut « Reçue ») :") && $0.contains("inconnu") }, "\(problems)")
        XCTAssertTrue(problems.contains { $0.hasPrefix("Dans le texte d'un e-mail") && $0.contains("}}") }, "\(problems)")

        var clash = workflow!
        clash.statuses[0].onEnter.append(.set(field: "montant", expression: "1"))
        XCTAssertTrue(WorkflowLogic(clash, fields: fields).problems.contains("Le champ de suivi « montant » porte le nom d'un champ du formulaire."))
    }

    /// A definition's JSON can state any integer: a delay past a hundred years is refused when checked, since the
    /// timer it arms would fall past the dates the calendar and the timers' columns hold.
    func testDelaysPastAHundredYearsAreRefused() throws {
        let json = #"{"initialStatus": "recue", "statuses": [{"id": "recue", "label": "Reçue", "colour": "blue"},"#
            + #" {"id": "close", "label": "Close", "colour": "green", "isEnd": true}], "transitions": [{"id": "oubli","#
            + #" "label": "Oubli", "from": ["recue"], "to": "close", "trigger": {"after": {"days": 9223372036854775807}}}],"#
            + #" "deadline": {"delay": {"months": 1201}, "silence": "accord", "status": "close"}}"#
        let w = try JSONDecoder().decode(WorkflowDefinition.self, from: Data(json.utf8))
        let problems = WorkflowCheck.problems(in: w)
        XCTAssertTrue(problems.contains("Le délai de la transition « Oubli » doit être positif et d'au plus 100 ans."), "\(problems)")
        XCTAssertTrue(problems.contains("Le délai légal de réponse doit être positif et d'au plus 100 ans."), "\(problems)")
        var fine = w
        fine.deadline?.delay = Delay(months: 1_200)
        fine.transitions[0].trigger = .after(Delay(days: 36_500))
        XCTAssertEqual(WorkflowCheck.problems(in: fine), [], "a hundred years is still a delay")
    }
}
