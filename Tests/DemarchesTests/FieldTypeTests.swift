import Demarches
import XCTest

/// The field types added for the démarche engine: each one's accepted input, stored value and French refusal.
final class FieldTypeTests: XCTestCase {
    func check(_ field: Field, _ values: [String: [String]]) -> (FieldValue?, String?) {
        let outcome = FormValidator.validate(RawSubmission(values: values), against: FormDefinition(fields: [field]), context: .test)
        return (outcome.values[field.id], outcome.errors[field.id])
    }

    func testThereAreAtLeastTwentyKindsOfQuestion() {
        XCTAssertGreaterThanOrEqual(FieldType.allCases.filter(\.isInput).count, 20)
    }

    func testTimeRangesNormaliseAndMustMoveForward() {
        let f = Field(id: "h", label: "Horaires", type: .timeRange)
        XCTAssertEqual(check(f, ["h.start": ["8h30"], "h.end": ["17:00"]]).0, .range(ValueRange(start: "08:30", end: "17:00")))
        XCTAssertEqual(check(f, ["h.start": ["17:00"], "h.end": ["17:00"]]).1, "L'heure de fin doit suivre l'heure de début.")
        XCTAssertEqual(check(f, ["h.start": ["25:00"], "h.end": ["26:00"]]).1, "Saisissez une heure valide, par exemple 08:30.")
        XCTAssertEqual(check(f, ["h.start": ["08:00"]]).1, "Indiquez la fin.")
    }

    func testDateRangesAcceptFrenchDatesAndOneDay() {
        let f = Field(id: "d", label: "Dates", type: .dateRange)
        XCTAssertEqual(check(f, ["d.start": ["01/07/2026"], "d.end": ["2026-07-01"]]).0, .range(ValueRange(start: "2026-07-01", end: "2026-07-01")))
    }

    func testRankedChoiceKeepsTheOrderAndRefusesTies() {
        let f = Field(id: "r", label: "Vœux", type: .rankedChoice, options: [Choice(value: "a", label: "A"), Choice(value: "b", label: "B"), Choice(value: "c", label: "C")])
        XCTAssertEqual(check(f, ["r.a": ["2"], "r.c": ["1"]]).0, .choices(["c", "a"]))
        XCTAssertEqual(check(f, ["r.a": ["1"], "r.b": ["1"]]).1, "Deux options ont le même rang.")
        XCTAssertEqual(check(f, ["r.a": ["4"]]).1, "Chaque rang est un nombre de 1 à 3.")
        XCTAssertEqual(check(f, ["r": ["b", "a"]]).0, .choices(["b", "a"]))
        XCTAssertEqual(check(f, ["r": ["b", "b"]]).1, "Choisissez une des options proposées.")
    }

    func testAutocompleteAcceptsTheLabelAsTyped() {
        let f = Field(id: "ecole", label: "École", type: .singleChoice, options: [Choice(value: "e1", label: "École Jean Jaurès")], display: .autocomplete)
        XCTAssertEqual(check(f, ["ecole": ["ecole jean jaures"]]).0, .text("e1"))
        XCTAssertEqual(check(f, ["ecole": ["Autre"]]).1, "Choisissez une des options proposées.")
    }

    func testMapPointsStayOnEarth() {
        let f = Field(id: "p", label: "Lieu", type: .mapPoint)
        XCTAssertEqual(check(f, ["p.lat": ["45,7578"], "p.lon": ["4.8320"]]).0, .point(GeoPoint(lat: Decimal(string: "45.7578")!, lon: Decimal(string: "4.832")!)))
        XCTAssertNotNil(check(f, ["p.lat": ["91"], "p.lon": ["4"]]).1)
    }

    func testTablesKeepEveryCellByRow() {
        let f = Field(id: "t", label: "Effectifs", type: .table, required: true, rows: ["2025", "2026"], columns: ["Adhérents", "Bénévoles"])
        XCTAssertEqual(check(f, ["t.1.0": ["40"]]).0, .table([["", ""], ["40", ""]]))
        XCTAssertEqual(check(f, [:]).1, "Remplissez au moins une case du tableau.")
    }

    func testIdentifiersAreStoredCompactAndRefusedWithTheirOwnMessage() {
        XCTAssertEqual(check(Field(id: "s", label: "SIRET", type: .siret), ["s": ["732 829 320 00074"]]).0, .text("73282932000074"))
        XCTAssertEqual(check(Field(id: "s", label: "SIRET", type: .siret), ["s": ["732 829 320 00075"]]).1,
                       "Ce numéro SIRET n'est pas valide : ses 14 chiffres ne concordent pas (un chiffre est sans doute mal recopié ou inversé).")
        // The message fits the mistake: too short is not an inversion.
        XCTAssertEqual(check(Field(id: "s", label: "SIRET", type: .siret), ["s": ["73282932"]]).1, "Un numéro SIRET compte 14 chiffres ; celui-ci en a 8.")
        XCTAssertEqual(check(Field(id: "s", label: "SIREN", type: .siren), ["s": ["7328293201"]]).1, "Un numéro SIREN compte 9 chiffres ; celui-ci en a 10.")
        XCTAssertEqual(check(Field(id: "w", label: "RNA", type: .rna), ["w": ["w691234567"]]).0, .text("W691234567"))
    }

    func testSeveralFilesUpToTheLimit() {
        let f = Field(id: "pj", label: "Pièces", type: .file, maxFiles: 2)
        let pdf = UploadedFile(filename: "a.pdf", bytes: Array("%PDF-1.4".utf8))
        let three = FormValidator.validate(RawSubmission(files: ["pj": [pdf, pdf, pdf]]), against: FormDefinition(fields: [f]), context: .test)
        XCTAssertEqual(three.errors["pj"], "Joignez au plus 2 fichiers.")
        let kept = StoredFile(id: "k", filename: "déjà.pdf", contentType: "application/pdf", size: 8)
        let again = FormValidator.validate(RawSubmission(keptFiles: ["pj": [kept]]), against: FormDefinition(fields: [f]), context: .test)
        XCTAssertEqual(again.values["pj"], .files([kept]))
        XCTAssertTrue(again.files.isEmpty)
    }

    func testNewValuesRoundTripThroughStoredJSON() throws {
        let values: [String: FieldValue] = [
            "r": .range(ValueRange(start: "08:00", end: "09:00")), "p": .point(GeoPoint(lat: 45, lon: 4)),
            "t": .table([["a", ""]]), "c": .choices(["x"]), "a": .address(Address(street: "1 rue", postcode: "69300", city: "Caluire")),
        ]
        XCTAssertEqual(try JSONDecoder().decode([String: FieldValue].self, from: JSONEncoder().encode(values)), values)
    }
}
