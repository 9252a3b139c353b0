import Demarches
import Expressions
import Foundation
import XCTest

extension EvaluationContext {
    /// A fixed day, so tests do not depend on when they run.
    static let test = EvaluationContext(today: CivilDate(iso: "2026-11-22")!)
}

final class FormValidatorTests: XCTestCase {
    func validate(_ field: Field, _ values: [String: [String]], files: [String: [UploadedFile]] = [:]) -> FormValidator.Outcome {
        FormValidator.validate(RawSubmission(values: values, files: files), against: FormDefinition(fields: [field]), context: .test, newFileID: { "f1" })
    }

    func testRequiredFieldsSayWhatIsMissing() {
        XCTAssertEqual(validate(Field(id: "a", label: "A", type: .text, required: true), [:]).errors["a"], "Ce champ est obligatoire.")
        XCTAssertEqual(validate(Field(id: "a", label: "A", type: .checkbox, required: true), [:]).errors["a"], "Cochez cette case pour continuer.")
        XCTAssertEqual(validate(Field(id: "a", label: "A", type: .file, required: true), [:]).errors["a"], "Joignez un fichier.")
        XCTAssertEqual(validate(Field(id: "a", label: "A", type: .text, required: true), ["a": ["   "]]).errors["a"], "Ce champ est obligatoire.")
        XCTAssertTrue(validate(Field(id: "a", label: "A", type: .text), [:]).isValid, "optional and empty is fine")
        XCTAssertNil(validate(Field(id: "a", label: "A", type: .text), [:]).values["a"])
    }

    func testADateMayBeBoundToThePastOrTheFuture() {
        var birth = Field(id: "d", label: "D", type: .date)
        birth.timing = .past
        XCTAssertEqual(validate(birth, ["d": ["2026-11-22"]]).values["d"], .text("2026-11-22"), "today is allowed")
        XCTAssertEqual(validate(birth, ["d": ["2026-11-23"]]).errors["d"], "La date ne peut pas être dans le futur.")
        XCTAssertNil(validate(birth, ["d": ["2026-11-23"]]).values["d"], "a refused date is not kept as an answer")
        var event = birth
        event.timing = .future
        XCTAssertEqual(validate(event, ["d": ["2026-11-21"]]).errors["d"], "La date ne peut pas être déjà passée.")
        XCTAssertTrue(validate(event, ["d": ["2027-06-20"]]).isValid)
        XCTAssertTrue(validate(Field(id: "d", label: "D", type: .date), ["d": ["2099-01-01"]]).isValid, "unbounded by default")
    }

    func testText() {
        let field = Field(id: "t", label: "T", type: .text, maxLength: 5)
        XCTAssertEqual(validate(field, ["t": [" abc "]]).values["t"], .text("abc"))
        XCTAssertEqual(validate(field, ["t": ["abcdef"]]).errors["t"], "Ce texte dépasse 5 caractères.")
        XCTAssertEqual(validate(field, ["t": ["a\nb"]]).errors["t"], "Ce champ tient sur une seule ligne.")
        XCTAssertEqual(validate(Field(id: "t", label: "T", type: .longText), ["t": ["a\nb"]]).values["t"], .text("a\nb"))
    }

    func testEmail() {
        let field = Field(id: "e", label: "E", type: .email)
        for good in ["nom@exemple.fr", "a.b+c@sous.domaine.org"] { XCTAssertTrue(validate(field, ["e": [good]]).isValid, good) }
        for bad in ["nom", "nom@", "@exemple.fr", "nom@exemple", "a b@c.fr", "a..b@c.fr"] {
            XCTAssertEqual(validate(field, ["e": [bad]]).errors["e"], "Saisissez une adresse e-mail valide, par exemple nom@exemple.fr.", bad)
        }
    }

    func testPhone() {
        XCTAssertEqual(Phone.normalise("0478988080"), "04 78 98 80 80")
        XCTAssertEqual(Phone.normalise("04.78.98.80.80"), "04 78 98 80 80")
        XCTAssertEqual(Phone.normalise("+33 6 12 34 56 78"), "06 12 34 56 78")
        XCTAssertEqual(Phone.normalise("+41 22 123 45 67"), "+41221234567")
        for bad in ["12345", "0078988080", "04 78 98 80 8", "abc"] { XCTAssertNil(Phone.normalise(bad), bad) }
        XCTAssertNotNil(validate(Field(id: "p", label: "P", type: .phone), ["p": ["12"]]).errors["p"])
    }

    func testNumbers() {
        let field = Field(id: "n", label: "N", type: .number, min: 1, max: 500)
        XCTAssertEqual(validate(field, ["n": ["12,5"]]).values["n"], .number(Decimal(string: "12.5")!))
        XCTAssertEqual(validate(field, ["n": ["1 000"]]).errors["n"], "Le nombre doit être inférieur ou égal à 500.")
        XCTAssertEqual(validate(field, ["n": ["0,5"]]).errors["n"], "Le nombre doit être supérieur ou égal à 1.")
        XCTAssertEqual(validate(field, ["n": ["douze"]]).errors["n"], "Saisissez un nombre, par exemple 12 ou 12,5.")
        XCTAssertEqual(validate(field, ["n": ["1e3"]]).errors["n"], "Saisissez un nombre, par exemple 12 ou 12,5.")
        XCTAssertEqual(validate(Field(id: "n", label: "N", type: .number), ["n": ["5 000 €"]]).values["n"], .number(5000), "as amounts are written")
        XCTAssertEqual(validate(Field(id: "n", label: "N", type: .number), ["n": ["1\u{202F}234,50\u{00A0}€"]]).values["n"], .number(Decimal(string: "1234.5")!))
        let integer = Field(id: "n", label: "N", type: .number, integer: true)
        XCTAssertEqual(validate(integer, ["n": ["2,5"]]).errors["n"], "Saisissez un nombre entier.")
        XCTAssertEqual(validate(integer, ["n": ["3"]]).values["n"], .number(3))
    }

    func testDates() {
        XCTAssertEqual(CivilDate.parse("2026-03-21"), "2026-03-21")
        XCTAssertEqual(CivilDate.parse("21/03/2026"), "2026-03-21")
        XCTAssertEqual(CivilDate.parse("29/02/2024"), "2024-02-29")
        XCTAssertNil(CivilDate.parse("29/02/2025"))
        XCTAssertNil(CivilDate.parse("31/04/2026"))
        XCTAssertNil(CivilDate.parse("2026-13-01"))
        XCTAssertNil(CivilDate.parse("demain"))
        XCTAssertEqual(validate(Field(id: "d", label: "D", type: .date), ["d": ["32/01/2026"]]).errors["d"],
                       "Saisissez une date valide, par exemple 21/03/2026.")
    }

    func testChoices() {
        let options = [Choice(value: "a", label: "A"), Choice(value: "b", label: "B"), Choice(value: "c", label: "C")]
        let single = Field(id: "s", label: "S", type: .singleChoice, options: options)
        XCTAssertEqual(validate(single, ["s": ["b"]]).values["s"], .text("b"))
        XCTAssertEqual(validate(single, ["s": ["z"]]).errors["s"], "Choisissez une des options proposées.")
        let multiple = Field(id: "m", label: "M", type: .multipleChoice, required: true, options: options)
        XCTAssertEqual(validate(multiple, ["m": ["c", "a"]]).values["m"], .choices(["a", "c"]), "kept in the definition's order")
        XCTAssertEqual(validate(multiple, ["m": ["a", "z"]]).errors["m"], "Choisissez une des options proposées.")
        XCTAssertEqual(validate(multiple, [:]).errors["m"], "Choisissez une option.")
    }

    func testCheckbox() {
        let field = Field(id: "c", label: "C", type: .checkbox)
        XCTAssertEqual(validate(field, ["c": ["on"]]).values["c"], .flag(true))
        XCTAssertNil(validate(field, [:]).values["c"])
    }

    func testAddress() {
        let field = Field(id: "a", label: "A", type: .address, required: true)
        let good = ["a.street": ["1 place Dugoujon"], "a.postcode": ["69 300"], "a.city": ["Caluire-et-Cuire"]]
        XCTAssertEqual(validate(field, good).values["a"], .address(Address(street: "1 place Dugoujon", postcode: "69300", city: "Caluire-et-Cuire")))
        var badPostcode = good; badPostcode["a.postcode"] = ["6930"]
        XCTAssertEqual(validate(field, badPostcode).errors["a"], "Le code postal compte 5 chiffres.")
        var noStreet = good; noStreet["a.street"] = [""]
        XCTAssertEqual(validate(field, noStreet).errors["a"], "Indiquez le numéro et le nom de la voie.")
        XCTAssertEqual(validate(field, [:]).errors["a"], "Ce champ est obligatoire.")
    }

    func testFilesAreJudgedByTheirContentAndSize() {
        let png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 1, 2, 3]
        let field = Field(id: "f", label: "F", type: .file, accept: [.png, .pdf], maxBytes: 100)
        let ok = validate(field, [:], files: ["f": [UploadedFile(filename: "photo.png", bytes: png)]])
        XCTAssertEqual(ok.values["f"], .files([StoredFile(id: "f1", filename: "photo.png", contentType: "image/png", size: 11)]))
        XCTAssertEqual(ok.files.first?.1, png)
        let disguised = validate(field, [:], files: ["f": [UploadedFile(filename: "photo.png", bytes: Array("MZ not an image".utf8))]])
        XCTAssertEqual(disguised.errors["f"], "Ce type de fichier n'est pas accepté (formats acceptés : PNG, PDF).")
        let notAccepted = validate(field, [:], files: ["f": [UploadedFile(filename: "photo.jpg", bytes: [0xFF, 0xD8, 0xFF, 0xE0])]])
        XCTAssertNotNil(notAccepted.errors["f"])
        let tooBig = validate(field, [:], files: ["f": [UploadedFile(filename: "big.png", bytes: png + Array(repeating: 0, count: 200))]])
        XCTAssertEqual(tooBig.errors["f"], "Ce fichier dépasse 1 ko.")
        let path = validate(field, [:], files: ["f": [UploadedFile(filename: "../../etc/photo.png", bytes: png)]])
        XCTAssertEqual(path.files.first?.0.filename, "photo.png", "no directory survives in a stored name")
    }

    func testEveryFieldOfADemoFormReportsItsOwnError() throws {
        let definition = try DemoCatalogue.definition("occupation-domaine-public")
        let outcome = FormValidator.validate(RawSubmission(values: ["surface": ["-3"], "email": ["x"], "date_debut": ["hier"]]), against: definition.form, context: .test)
        XCTAssertEqual(outcome.errors["surface"], "Le nombre doit être supérieur ou égal à 1.")
        XCTAssertEqual(outcome.errors["email"], "Saisissez une adresse e-mail valide, par exemple nom@exemple.fr.")
        XCTAssertEqual(outcome.errors["date_debut"], "Saisissez une date valide, par exemple 21/03/2026.")
        XCTAssertEqual(outcome.errors["motif"], "Choisissez une option.")
        XCTAssertNil(outcome.errors["raison_sociale"], "optional")
        XCTAssertTrue(outcome.values.isEmpty)
    }

    /// A photo question takes JPEG and PNG only (what the browser reduces), checked by content like any file.
    func testImagesAreJPEGOrPNG() {
        let field = Field(id: "photo", label: "Photo", type: .image, required: true)
        let png = UploadedFile(filename: "p.png", bytes: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] + Array(repeating: 0, count: 16))
        XCTAssertTrue(validate(field, [:], files: ["photo": [png]]).isValid)
        let pdf = UploadedFile(filename: "p.pdf", bytes: Array("%PDF-1.4 x".utf8))
        XCTAssertEqual(validate(field, [:], files: ["photo": [pdf]]).errors["photo"], "Ce type de fichier n'est pas accepté (formats acceptés : JPEG, PNG).")
        XCTAssertEqual(validate(field, [:]).errors["photo"], "Joignez une photo.")
        var withPDF = field
        withPDF.accept = [.pdf, .jpeg]
        XCTAssertEqual(withPDF.effectiveAccept, [.jpeg], "an image never takes a PDF")
        XCTAssertTrue(FormCheck.problems(in: FormDefinition(fields: [withPDF])).contains("Le champ image « Photo » n'accepte que JPEG et PNG."))
    }
}

