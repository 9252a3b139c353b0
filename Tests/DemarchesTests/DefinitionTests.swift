import Demarches
import Foundation
import XCTest

final class DefinitionTests: XCTestCase {
    func testDemoDefinitionsAreValidAndRoundTrip() throws {
        for slug in Set(DemoCatalogue.communeDemarches + DemoCatalogue.metropoleDemarches) {
            let definition = try DemoCatalogue.definition(slug)
            XCTAssertEqual(definition.problems, [], slug)
            let again = try DemarcheDefinition.parse(json: definition.canonicalJSON()).get()
            XCTAssertEqual(again, definition, "export then import gives the same definition")
            XCTAssertEqual(again.canonicalJSON(), definition.canonicalJSON())
        }
    }

    func testUnreadableDocumentsAreRefusedPrecisely() {
        XCTAssertEqual(DemarcheDefinition.parse(json: Data("{".utf8)), .failure(DefinitionError(problems: ["Le document n'est pas une définition de démarche valide : JSON illisible"])))
        let missing = #"{"slug":"x","title":"X","summary":"","form":{"fields":[{"id":"a","type":"text"}]},"workflow":{"initialStatus":"a","statuses":[],"transitions":[]}}"#
        guard case .failure(let error) = DemarcheDefinition.parse(json: Data(missing.utf8)) else { return XCTFail("accepted") }
        XCTAssertEqual(error.problems, ["Le document n'est pas une définition de démarche valide : clé « label » manquante (form.fields.0)"])
    }

    func testStructuralProblemsAreAllListed() throws {
        var definition = try DemoCatalogue.definition("acte-etat-civil")
        definition.slug = "Acte Civil"
        definition.form.fields.append(definition.form.fields[0])
        definition.form.fields.append(Field(id: "vide", label: "Vide", type: .singleChoice, options: []))
        definition.form.fields.append(Field(id: "n", label: "N", type: .number, min: 10, max: 1))
        let problems = definition.problems
        XCTAssertTrue(problems.contains("L'identifiant de la démarche doit être en minuscules, chiffres et tirets."))
        XCTAssertTrue(problems.contains("Deux champs ont l'identifiant « acte »."))
        XCTAssertTrue(problems.contains("Le champ « Vide » doit proposer au moins une option."))
        XCTAssertTrue(problems.contains("Le champ « N » a un minimum supérieur à son maximum."))
    }

    func testFieldValuesEncodeAsPlainJSON() throws {
        let values: [String: FieldValue] = [
            "t": .text("a"), "n": .number(Decimal(string: "12.5")!), "c": .choices(["x"]), "b": .flag(true),
            "a": .address(Address(street: "1 rue", postcode: "69300", city: "Caluire")),
            "f": .files([StoredFile(id: "1", filename: "a.pdf", contentType: "application/pdf", size: 3)]),
        ]
        let encoder = JSONEncoder(); encoder.outputFormatting = .sortedKeys
        let json = String(decoding: try encoder.encode(values), as: UTF8.self)
        XCTAssertTrue(json.contains(#""n":12.5"#) && json.contains(#""b":true"#) && json.contains(#""t":"a""#), json)
        XCTAssertEqual(try JSONDecoder().decode([String: FieldValue].self, from: Data(json.utf8)), values)
    }

    func testContactFieldsAreTheFirstEmailFieldAndNom() throws {
        let form = try DemoCatalogue.definition("acte-etat-civil").form
        XCTAssertEqual(form.contactEmailField?.id, "email")
        XCTAssertEqual(form.contactNameField?.id, "nom")
        XCTAssertEqual(form.text(of: form.contactEmailField, in: ["email": .text("a@b.fr")]), "a@b.fr")
        XCTAssertNil(form.text(of: form.contactEmailField, in: [:]))
        let noContact = FormDefinition(fields: [Field(id: "nom", label: "Nom", type: .longText)])
        XCTAssertNil(noContact.contactEmailField)
        XCTAssertNil(noContact.contactNameField, "only a one-line text field named nom")
        XCTAssertEqual(form.prefill(email: "a@b.fr", name: "Camille Martin"), ["email": ["a@b.fr"], "nom": ["Camille Martin"]])
        XCTAssertEqual(form.prefill(email: nil, name: nil), [:], "nobody signed in: nothing prefilled")
        XCTAssertEqual(noContact.prefill(email: "a@b.fr", name: "Camille"), [:])
        XCTAssertEqual(form.prefill(email: nil, name: nil, town: "Bron"), [:], "a home address starts empty")
        let report = try DemoCatalogue.definition("signalement-espace-public").form
        XCTAssertEqual(report.prefill(email: nil, name: nil, town: "Bron")["adresse.city"], ["Bron"], "the place of a report starts in the commune")
    }

    func testRequestNumbers() {
        XCTAssertEqual(RequestNumber.format(prefix: "CAL", year: 2026, sequence: 123), "CAL-2026-000123")
        XCTAssertEqual(RequestNumber.format(prefix: "LYO", year: 2026, sequence: 1_234_567), "LYO-2026-1234567")
        XCTAssertTrue(RequestNumber.isWellFormed("CAL-2026-000123"))
        XCTAssertFalse(RequestNumber.isWellFormed("cal-2026-000123"))
        XCTAssertFalse(RequestNumber.isWellFormed("CAL-2026-12"))
    }
}
