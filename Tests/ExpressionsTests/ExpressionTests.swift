import Expressions
import XCTest

final class ExpressionTests: XCTestCase {
    let fields: [String: ValueType] = [
        "date_naissance": .date, "commune": .text, "nombre_enfants": .number, "montant": .number,
        "categories": .list, "accepte": .bool, "siret": .text,
    ]
    let context = EvaluationContext(today: CivilDate(iso: "2026-11-22")!)

    func value(_ source: String, _ values: [String: Value]) throws -> Value {
        let expr = try Parser.parse(source)
        _ = try Checker.type(of: expr, fields: fields)
        return Evaluator.evaluate(expr, values: values, context: context)
    }

    func testConditionsOnAnswers() throws {
        let adult = "age(date_naissance) >= 18 et commune dans [\"Caluire-et-Cuire\", \"Bron\"]"
        XCTAssertEqual(try value(adult, ["date_naissance": .date(CivilDate(iso: "2008-11-22")!), "commune": .text("Bron")]), .bool(true))
        XCTAssertEqual(try value(adult, ["date_naissance": .date(CivilDate(iso: "2008-11-23")!), "commune": .text("Bron")]), .bool(false),
                       "one day short of 18")
        XCTAssertEqual(try value(adult, ["commune": .text("Bron")]), .bool(false), "an unanswered date makes the condition false")
        XCTAssertEqual(try value("non vide(siret) or accepte", ["siret": .text("  ")]), .bool(false))
        XCTAssertEqual(try value("non vide(siret) or accepte", ["siret": .text("732 829 320")]), .bool(true))
        XCTAssertEqual(try value("commune == \"ÉCULLY\"", ["commune": .text("Écully")]), .bool(true), "case and accents do not matter")
        XCTAssertEqual(try value("\"tag\" dans categories", ["categories": .list(["voirie", "tag"])]), .bool(true))
        XCTAssertEqual(try value("nombre(categories)", ["categories": .list(["voirie", "tag"])]), .number(2))
    }

    func testComputedValues() throws {
        XCTAssertEqual(try value("si(nombre_enfants > 2, montant * 0.8, montant)", ["nombre_enfants": .number(3), "montant": .number(100)]), .number(80))
        XCTAssertEqual(try value("arrondi(montant / 3, 2)", ["montant": .number(100)]), .number(Decimal(string: "33.33")!))
        XCTAssertEqual(try value("montant / nombre_enfants", ["montant": .number(100), "nombre_enfants": .number(0)]), .null, "no division by zero")
        XCTAssertEqual(try value("date_naissance + 30", ["date_naissance": .date(CivilDate(iso: "2026-02-15")!)]), .date(CivilDate(iso: "2026-03-17")!))
        XCTAssertEqual(try value("jours_entre(date_naissance, aujourdhui())", ["date_naissance": .date(CivilDate(iso: "2026-11-01")!)]), .number(21))
        XCTAssertEqual(try value("aujourdhui() - date(\"2025-11-22\")", [:]), .number(365))
        XCTAssertEqual(try value("-montant + 1", ["montant": .number(5)]), .number(-4))
    }

    func testPrecedenceAndKeywordsInBothLanguages() throws {
        XCTAssertEqual(try Parser.parse("accepte or accepte and non accepte"), try Parser.parse("accepte ou (accepte et (non accepte))"))
        XCTAssertEqual(try Parser.parse("1 + 2 * 3 - 4"), try Parser.parse("(1 + (2 * 3)) - 4"))
        XCTAssertEqual(try Parser.parse("non montant > 3 et accepte"), try Parser.parse("(non (montant > 3)) et accepte"))
        XCTAssertEqual(try value("TRUE et Vrai", [:]), .bool(true))
    }

    func testMistakesAreExplainedInFrench() {
        func error(_ source: String) -> String {
            do {
                let expr = try Parser.parse(source)
                _ = try Checker.type(of: expr, fields: fields)
                return "accepted"
            } catch { return error.description }
        }
        XCTAssertEqual(error("age(date_naisance) > 18"), "champ inconnu « date_naisance » ; vouliez-vous dire « date_naissance » ?")
        XCTAssertEqual(error("agee(date_naissance)"), "fonction inconnue « agee » ; vouliez-vous dire « age » ?")
        XCTAssertEqual(error("commune > 3"), "« > » compare deux nombres, deux dates ou deux textes (ici : texte et nombre)")
        XCTAssertEqual(error("age(commune)"), "un argument de « age » doit être une date, pas un texte")
        XCTAssertEqual(error("si(accepte, 1)"), "« si » prend 3 arguments, pas 2")
        XCTAssertEqual(error("commune == \"Bron"), "caractère 12 : texte sans guillemet fermant")
        XCTAssertEqual(error("1 < montant < 3"), "caractère 13 : deux comparaisons à la suite : ajoutez « et »")
        XCTAssertEqual(error("montant > 3 accepte"), "caractère 13 : « accepte » inattendu")
        XCTAssertEqual(error("(montant > 3"), "caractère 13 : « ) » attendu (ouvert au caractère 1)")
        XCTAssertEqual(error("montant ≥ 3"), "caractère 9 : caractère inattendu « ≥ »")
        XCTAssertEqual(error("   "), "caractère 1 : expression vide")
        XCTAssertEqual(error("et"), "caractère 1 : « et » est un mot réservé, pas une valeur")
        XCTAssertThrowsError(try Checker.condition("montant + 1", fields: fields)) {
            XCTAssertEqual(($0 as? ExpressionError)?.message, "une condition doit valoir vrai ou faux, pas un nombre")
        }
    }

    func testCalendarArithmeticIsExact() {
        for iso in ["1970-01-01", "2000-02-29", "2024-02-29", "1900-03-01", "2026-12-31", "2100-02-28"] {
            XCTAssertEqual(CivilDate(iso: iso)?.iso, iso)
        }
        XCTAssertEqual(CivilDate(iso: "1970-01-01")?.day, 0)
        XCTAssertEqual(CivilDate(iso: "2026-11-22")?.day, 20_779)
        for bad in ["2025-02-29", "2100-02-29", "2026-13-01", "2026-1-01", "hier"] { XCTAssertNil(CivilDate(iso: bad), bad) }
    }

    /// A date moved by a number of days that may be anyone's answer: past a million days it names no day (null,
    /// so a condition on it is false) instead of overflowing the day count and stopping the process.
    func testADateMovedByAHugeNumberIsNull() throws {
        let start = Value.date(CivilDate(iso: "2026-01-01")!)
        XCTAssertEqual(try value("date_naissance + nombre_enfants", ["date_naissance": start, "nombre_enfants": .number(Decimal(string: "1e30")!)]), .null)
        XCTAssertEqual(try value("date_naissance - montant", ["date_naissance": start, "montant": .number(Decimal(Int.max))]), .null)
        XCTAssertEqual(try value("date_naissance + montant", ["date_naissance": start, "montant": .number(Decimal(Int.max))]), .null,
                       "this one overflowed the day count")
        XCTAssertEqual(try value("date_naissance + nombre_enfants > aujourdhui()", ["date_naissance": start, "nombre_enfants": .number(Decimal(string: "-1e30")!)]),
                       .null, "compared, it stays null: a condition that ends null does not hold")
        XCTAssertEqual(try value("date_naissance + nombre_enfants", ["date_naissance": start, "nombre_enfants": .number(31)]),
                       .date(CivilDate(iso: "2026-02-01")!))
        XCTAssertEqual(try value("date_naissance - montant", ["date_naissance": start, "montant": .number(1_000_000)]),
                       .date(CivilDate(day: CivilDate(iso: "2026-01-01")!.day - 1_000_000)), "a million days is still a day")
    }
}
