import Demarches
import Foundation

/// The benchmark's form: 50 questions of mixed types on 5 pages, 20 of them conditional, 3 computed values and a
/// page check, with a submission that answers every question it asks. Printed as JSON for the HTTP bench.
enum BenchForm {
    static let definition: DemarcheDefinition = {
        var fields: [Field] = []
        var answers: [String: Any] = [:]
        let choices = [Choice(value: "a", label: "Option A"), Choice(value: "b", label: "Option B"), Choice(value: "c", label: "Option C")]
        var conditional = 0
        for i in 1...50 {
            if (i - 1) % 10 == 0 {
                let checks = i == 21 ? [PostCondition(condition: "q17 + q24 >= 2", message: "Le total doit atteindre 2.")] : nil
                fields.append(Field(id: "page\((i - 1) / 10 + 1)", label: "Partie \((i - 1) / 10 + 1)", type: .page, postConditions: checks))
            }
            let id = String(format: "q%02d", i)
            // From the 4th question on, every other question up to 20 depends on an earlier answer.
            var condition: String? = nil
            if i > 3 && i % 2 == 0 && conditional < 20 {
                conditional += 1
                condition = switch conditional % 4 {
                case 0: "q01 == \"a\" ou q02"
                case 1: "q03 > 10 et non vide(q01)"
                case 2: "age(date(\"1990-01-01\")) >= 18 et q01 dans [\"a\", \"b\"]"
                default: "q02 et (q03 * 2 >= 20 ou q01 != \"c\")"
                }
            }
            switch i % 7 {
            case 1:
                fields.append(Field(id: id, label: "Question \(i)", type: .singleChoice, required: true, condition: condition, options: choices))
                answers[id] = "a"
            case 2:
                fields.append(Field(id: id, label: "Question \(i)", type: .checkbox, condition: condition))
                answers[id] = true
            case 3:
                fields.append(Field(id: id, label: "Question \(i)", type: .number, required: true, condition: condition, min: 0, max: 1000, integer: true))
                answers[id] = 12
            case 4:
                fields.append(Field(id: id, label: "Question \(i)", type: .text, required: true, condition: condition, maxLength: 200))
                answers[id] = "Une réponse de quelques mots pour la question \(i)"
            case 5:
                fields.append(Field(id: id, label: "Question \(i)", type: .date, required: true, condition: condition))
                answers[id] = "2026-03-21"
            case 6:
                fields.append(Field(id: id, label: "Question \(i)", type: .email, required: true, condition: condition))
                answers[id] = "personne\(i)@exemple.fr"
            default:
                fields.append(Field(id: id, label: "Question \(i)", type: .multipleChoice, condition: condition, options: choices))
                answers[id] = ["a", "c"]
            }
            if i == 30 { fields.append(Field(id: "total", label: "Total", type: .computed, expression: "q03 + q10 + q17 + q24")) }
            if i == 40 { fields.append(Field(id: "majeur", label: "Majeur", type: .computed, expression: "age(q05) >= 18")) }
            if i == 50 { fields.append(Field(id: "resume", label: "Résumé", type: .computed, expression: "si(q02, \"oui\", \"non\") + \" / \" + q01")) }
        }
        fields.append(Field(id: "email", label: "Adresse e-mail", type: .email))
        answers["email"] = "bench@exemple.fr"
        bodyAnswers = answers
        return DemarcheDefinition(
            slug: "formulaire-50-champs", title: "Formulaire de 50 questions (banc d'essai)", summary: "Banc d'essai du moteur de formulaires.",
            form: FormDefinition(fields: fields),
            workflow: try! DemoCatalogue.definition("signalement-espace-public").workflow)
    }()

    nonisolated(unsafe) static var bodyAnswers: [String: Any] = [:]

    /// The submission as the HTML form would post it: every value as text.
    static var raw: RawSubmission {
        _ = definition
        var values: [String: [String]] = [:]
        for (key, value) in bodyAnswers {
            switch value {
            case let b as Bool: values[key] = b ? ["on"] : []
            case let list as [String]: values[key] = list
            default: values[key] = ["\(value)"]
            }
        }
        return RawSubmission(values: values)
    }

    static var bodyJSON: Data {
        _ = definition
        return try! JSONSerialization.data(withJSONObject: ["data": bodyAnswers], options: [.sortedKeys])
    }
}
