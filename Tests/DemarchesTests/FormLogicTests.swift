import Demarches
import Expressions
import XCTest

/// Conditions, page checks and computed fields, as the validator applies them and as `FormCheck` refuses them.
final class FormLogicTests: XCTestCase {
    let form = FormDefinition(fields: [
        Field(id: "p1", label: "Vous", type: .page),
        Field(id: "naissance", label: "Date de naissance", type: .date, required: true),
        Field(id: "majeur", label: "Majeur", type: .computed, expression: "age(naissance) >= 18"),
        Field(id: "tuteur", label: "Nom du tuteur", type: .text, required: true, condition: "non majeur"),
        Field(id: "p2", label: "Séjour", type: .page, postConditions: [PostCondition(condition: "nuits <= 14", message: "Deux semaines au plus.")]),
        Field(id: "sejour", label: "Dates", type: .dateRange, required: true),
        Field(id: "nuits", label: "Nuits", type: .computed, expression: "sejour_fin - sejour_debut"),
        Field(id: "p3", label: "Justificatif", type: .page, condition: "nuits > 7"),
        Field(id: "justificatif", label: "Justificatif", type: .text, required: true),
        Field(id: "p4", label: "Fin", type: .page),
        Field(id: "ok", label: "J'accepte", type: .checkbox, required: true),
    ])

    func validate(_ values: [String: [String]]) -> FormValidator.Outcome {
        FormValidator.validate(RawSubmission(values: values), against: form, context: .test)
    }

    func testTheDefinitionChecksAndHasFourPages() {
        XCTAssertEqual(FormCheck.problems(in: form), [])
        XCTAssertEqual(form.logic.pages.count, 4)
        XCTAssertTrue(form.isMultiPage)
        XCTAssertEqual(form.logic.pageOfField(3), 0)
        XCTAssertEqual(form.logic.pageOfField(8), 2)
    }

    func testAFieldIsRequiredOnlyWhenItsConditionHolds() {
        let adult = validate(["naissance": ["1990-05-01"]])
        XCTAssertNil(adult.errors["tuteur"])
        XCTAssertFalse(adult.pagesWithErrors.contains(0))
        XCTAssertEqual(adult.values["majeur"], .flag(true))
        XCTAssertFalse(adult.visible.contains("tuteur"))
        let child = validate(["naissance": ["2015-05-01"]])
        XCTAssertEqual(child.errors["tuteur"], "Ce champ est obligatoire.")
        XCTAssertTrue(child.pagesWithErrors.contains(0))
        XCTAssertEqual(child.values["majeur"], .flag(false))
    }

    func testAnswersToQuestionsNotAskedAreDropped() {
        let adult = validate(["naissance": ["1990-05-01"], "tuteur": ["Glissé par le client"]])
        XCTAssertNil(adult.values["tuteur"])
    }

    func testAgeCountsFromTheContextDay() {
        // Born 2008-11-22: 18 on the test day (2026-11-22), not the day before.
        XCTAssertEqual(validate(["naissance": ["2008-11-22"]]).values["majeur"], .flag(true))
        XCTAssertEqual(validate(["naissance": ["2008-11-23"]]).values["majeur"], .flag(false))
    }

    func testAPageCheckBlocksWithItsMessageOnceTheFieldsAreValid() {
        let long = validate(["naissance": ["1990-05-01"], "sejour.start": ["2026-07-01"], "sejour.end": ["2026-07-20"]])
        XCTAssertEqual(long.errors["p2"], "Deux semaines au plus.")
        XCTAssertEqual(long.pageToFix(through: 1), 1)
        XCTAssertEqual(long.values["nuits"], .number(19))
        // A field error on the page comes first: the check is not run on incomplete answers.
        let broken = validate(["naissance": ["1990-05-01"], "sejour.start": ["2026-07-20"], "sejour.end": ["2026-07-01"]])
        XCTAssertEqual(broken.errors["sejour"], "La date de fin ne peut pas précéder la date de début.")
        XCTAssertNil(broken.errors["p2"])
    }

    func testAPageWhoseConditionFailsIsSkippedWithItsRequiredFields() {
        let short = validate(["naissance": ["1990-05-01"], "sejour.start": ["2026-07-01"], "sejour.end": ["2026-07-03"], "ok": ["on"]])
        XCTAssertEqual(short.errors, [:])
        XCTAssertEqual(short.visiblePages, [0, 1, 3])
        let week = validate(["naissance": ["1990-05-01"], "sejour.start": ["2026-07-01"], "sejour.end": ["2026-07-10"], "ok": ["on"]])
        XCTAssertEqual(week.visiblePages, [0, 1, 2, 3])
        XCTAssertEqual(week.errors, ["justificatif": "Ce champ est obligatoire."])
    }

    func testNavigationShowsAPageOnlyOnceThePagesBeforeItAreComplete() {
        let started = validate(["naissance": ["1990-05-01"]])
        XCTAssertEqual(started.pageToFix(through: 0), nil, "page 1 is complete: moving on is allowed")
        XCTAssertEqual(started.pageToShow(requested: 1), 1)
        XCTAssertEqual(started.pageToShow(requested: 3), 1, "page 2 is not answered yet")
        XCTAssertEqual(started.pageToShow(requested: 2), 1)
        let short = validate(["naissance": ["1990-05-01"], "sejour.start": ["2026-07-01"], "sejour.end": ["2026-07-03"]])
        XCTAssertEqual(short.page(after: 1), 3, "the supporting-document page does not apply to a short stay")
        XCTAssertEqual(short.page(before: 3), 1)
        XCTAssertEqual(short.pageToShow(requested: 2), 3, "asking for a page that does not apply lands on the next one")
        XCTAssertEqual(short.page(after: 3), nil, "the summary comes next")
        let child = validate(["naissance": ["2015-05-01"], "sejour.start": ["2026-07-01"], "sejour.end": ["2026-07-03"]])
        XCTAssertEqual(child.pageToShow(requested: 3), 0, "the guardian is missing on page 1")
    }

    func testConditionsAreCheckedWhenTheDefinitionIsSaved() {
        func problems(_ fields: [Field]) -> [String] { FormCheck.problems(in: FormDefinition(fields: fields)) }
        let later = problems([
            Field(id: "a", label: "A", type: .text, condition: "b == \"x\""),
            Field(id: "b", label: "B", type: .text),
        ])
        XCTAssertEqual(later, ["Dans la condition de « A » : le champ « b » vient plus loin dans le formulaire ; une condition ou un calcul ne peut utiliser que les champs qui le précèdent."])
        let typo = problems([Field(id: "montant", label: "Montant", type: .number), Field(id: "b", label: "B", type: .text, condition: "montnt > 3")])
        XCTAssertEqual(typo.count, 1)
        XCTAssertTrue(typo[0].contains("vouliez-vous dire « montant »"), typo[0])
        let notBool = problems([Field(id: "montant", label: "Montant", type: .number), Field(id: "b", label: "B", type: .text, condition: "montant + 1")])
        XCTAssertTrue(notBool[0].contains("une condition doit valoir vrai ou faux"), notBool[0])
        let noExpression = problems([Field(id: "a", label: "A", type: .text), Field(id: "c", label: "C", type: .computed)])
        XCTAssertEqual(noExpression, ["Le champ calculé « C » n'a pas d'expression."])
        let misplacedCheck = problems([Field(id: "a", label: "A", type: .text, postConditions: [PostCondition(condition: "vrai", message: "x")])])
        XCTAssertEqual(misplacedCheck, ["Seul un saut de page peut porter des vérifications (« A »)."])
    }

    func testAComputedFieldTakesItsExpressionsTypeForLaterConditions() {
        let problems = FormCheck.problems(in: FormDefinition(fields: [
            Field(id: "n", label: "N", type: .number),
            Field(id: "double", label: "Double", type: .computed, expression: "n * 2"),
            Field(id: "x", label: "X", type: .text, condition: "double == \"deux\""),
        ]))
        XCTAssertEqual(problems.count, 1)
        XCTAssertTrue(problems[0].contains("(ici : nombre et texte)"), problems[0])
    }

    func testTheDefinitionSurvivesAJSONRoundTripWithItsLogic() throws {
        let data = try JSONEncoder().encode(form)
        let back = try JSONDecoder().decode(FormDefinition.self, from: data)
        XCTAssertEqual(back, form)
        XCTAssertEqual(back.logic.pages.count, 4)
        XCTAssertEqual(FormValidator.validate(RawSubmission(values: ["naissance": ["2015-01-01"]]), against: back, context: .test).errors["tuteur"],
                       "Ce champ est obligatoire.")
    }

    func testEveryDemoDefinitionChecks() throws {
        for slug in Set(DemoCatalogue.communeDemarches + DemoCatalogue.metropoleDemarches) {
            XCTAssertEqual(try DemoCatalogue.definition(slug).problems, [], slug)
        }
    }

    func testPrefillTakesOnlyAnsweredFieldsFromTheAddress() {
        let form = FormDefinition(fields: [
            Field(id: "nom", label: "Nom", type: .text), Field(id: "adresse", label: "Adresse", type: .address),
            Field(id: "calc", label: "Calc", type: .computed, expression: "1"),
        ])
        let values = form.prefill(email: nil, name: nil, query: ["nom": "Dupont", "adresse.city": "Bron", "calc": "9", "autre": "x",
                                                                 "nom_usage": "pas le champ nom", "adressecity": "x"])
        XCTAssertEqual(values, ["nom": ["Dupont"], "adresse.city": ["Bron"]])
        XCTAssertEqual(form.prefill(email: nil, name: "Compte", query: ["nom": "Dupont"])["nom"], ["Compte"])
    }
}
