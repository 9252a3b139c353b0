import Demarches
import Expressions
import Foundation
import PropertyBased
import Testing

/// Repeatable blocks: items read from `<block>.<n>.<question>`, blank items dropped, each item checked with its
/// questions' own rules, the count bounded; stored answers turn back into the same post.
@Suite struct BlockTests {
    static let children = Field(id: "enfants", label: "Enfants", type: .block, fields: [
        Field(id: "prenom", label: "Prénom", type: .text, required: true),
        Field(id: "naissance", label: "Date de naissance", type: .date),
        Field(id: "cantine", label: "Mange à la cantine", type: .checkbox),
        Field(id: "classe", label: "Classe", type: .singleChoice, options: [Choice(value: "cp", label: "CP"), Choice(value: "ce1", label: "CE1")]),
    ], maxItems: 3)

    func validate(_ field: Field, _ values: [String: [String]]) -> FormValidator.Outcome {
        FormValidator.validate(RawSubmission(values: values), against: FormDefinition(fields: [field, Field(id: "apres", label: "Après", type: .computed,
                                                                                                            expression: "nombre(enfants)")]),
                               context: EvaluationContext(today: CivilDate(iso: "2026-11-22")!))
    }

    @Test func anItemIsCalledByTheBlocksOwnNoun() {
        var people = Self.children
        #expect(people.addItemLabel == "Ajouter un élément" && people.itemLegend(2) == "Enfants — élément 2")
        people.itemNoun = "personne"
        people.itemFeminine = true
        #expect(people.addItemLabel == "Ajouter une personne")
        #expect(people.removeItemLabel == "Retirer la dernière personne")
        #expect(people.itemLegend(2) == "Personne 2")
        let missing = validate(people, ["enfants._lignes": ["2"], "enfants.0.prenom": ["Léa"], "enfants.1.cantine": ["on"]])
        #expect(missing.errors["enfants"] == "Personne 2, « Prénom » : Ce champ est obligatoire.")
        people.itemNoun = "enfant"
        people.itemFeminine = nil
        #expect(people.addItemLabel == "Ajouter un enfant" && people.removeItemLabel == "Retirer le dernier enfant")
    }

    @Test func itemsAreReadInOrderAndBlankOnesDropped() {
        let outcome = validate(Self.children, [
            "enfants._lignes": ["3"],
            "enfants.0.prenom": ["Léa"], "enfants.0.naissance": ["12/03/2019"], "enfants.0.cantine": ["on"], "enfants.0.classe": ["cp"],
            "enfants.1.prenom": [""], "enfants.1.naissance": [" "],
            "enfants.2.prenom": ["Hugo"],
        ])
        #expect(outcome.isValid, "\(outcome.errors)")
        #expect(outcome.values["enfants"] == .items([
            ["prenom": .text("Léa"), "naissance": .text("2019-03-12"), "cantine": .flag(true), "classe": .text("cp")],
            ["prenom": .text("Hugo")],
        ]))
        #expect(outcome.values["apres"] == .number(2), "expressions count the items")
    }

    @Test func anItemIsCheckedWithItsQuestionsRulesAndTheMessageSaysWhich() {
        let missing = validate(Self.children, ["enfants.0.prenom": ["Léa"], "enfants.1.naissance": ["2019-03-12"]])
        #expect(missing.errors["enfants"] == "Élément 2, « Prénom » : Ce champ est obligatoire.")
        let bad = validate(Self.children, ["enfants.0.prenom": ["Léa"], "enfants.0.classe": ["cm2"]])
        #expect(bad.errors["enfants"] == "Élément 1, « Classe » : Choisissez une des options proposées.")
    }

    @Test func theNumberOfItemsIsBounded() {
        var required = Self.children
        required.required = true
        #expect(validate(required, [:]).errors["enfants"] == "Ajoutez au moins un élément.")
        var two = Self.children
        two.minItems = 2
        #expect(validate(two, ["enfants.0.prenom": ["Léa"]]).errors["enfants"] == "Ajoutez au moins 2 éléments.")
        let four = (0..<4).reduce(into: [String: [String]]()) { $0["enfants.\($1).prenom"] = ["Enfant \($1)"] }
        #expect(validate(Self.children, four).errors["enfants"] == "3 éléments au plus.")
        #expect(validate(Self.children, [:]).isValid, "an optional block may stay empty")
    }

    @Test func blocksThatCannotWorkAreRefusedWhenSaved() {
        let nested = Field(id: "b", label: "B", type: .block, fields: [
            Field(id: "c", label: "C", type: .file), Field(id: "c", label: "C2", type: .text, condition: "vrai")])
        let problems = FormCheck.problems(in: FormDefinition(fields: [nested]))
        #expect(problems.contains("La question « C » du bloc « B » ne peut pas être répétée (type file)."))
        #expect(problems.contains("Le bloc « B » a deux questions « c »."))
        #expect(problems.contains("La question « C2 » du bloc « B » ne peut pas avoir de condition."))
        #expect(FormCheck.problems(in: FormDefinition(fields: [Field(id: "b", label: "B", type: .block)])).contains("Le bloc « B » doit contenir au moins une question."))
    }

    /// Whatever items were stored, turning them back into a post and validating it gives them back (the
    /// correction form starts from there), and they survive their JSON.
    @Test func storedItemsRoundTrip() async {
        await propertyCheck(count: 300, input: Gen.int(in: 0...1_000).array(of: 4...4).array(of: 0...3)) { items in
            let stored: [[String: FieldValue]] = items.map { c in
                var item: [String: FieldValue] = ["prenom": .text("Enfant \(c[0]) l'\"aîné\"")]
                if c[1] % 2 == 0 { item["naissance"] = .text(String(format: "20%02d-%02d-%02d", c[1] % 20, c[1] % 12 + 1, c[1] % 28 + 1)) }
                if c[2] % 2 == 0 { item["cantine"] = .flag(true) }
                if c[3] % 3 != 0 { item["classe"] = .text(c[3] % 3 == 1 ? "cp" : "ce1") }
                return item
            }
            let form = FormDefinition(fields: [Self.children])
            let data: [String: FieldValue] = stored.isEmpty ? [:] : ["enfants": .items(stored)]
            let back = FormValidator.validate(form.rawAnswers(of: data), against: form, context: EvaluationContext(today: CivilDate(iso: "2026-11-22")!))
            #expect(back.values == data, "\(stored)")
            let json = try? JSONEncoder().encode(data)
            #expect(json.flatMap { try? JSONDecoder().decode([String: FieldValue].self, from: $0) } == data)
        }
    }
}
