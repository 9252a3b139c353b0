import Demarches
import Foundation
import Territory
import Workflow

/// The designer's form for one field, both ways: the inputs drawn from a field, and a field read back from the
/// posted inputs with a French message next to each input that does not make sense (nothing is saved then).
struct FieldForm {
    /// What the inputs hold, as typed.
    struct Inputs {
        var id = "", label = "", type = FieldType.text.rawValue, required = false, help = "", condition = ""
        var options = "", dataSource = "", display = "", min = "", max = "", integer = false, maxLength = ""
        var accept: [String] = [], maxMegabytes = "", maxFiles = "", rows = "", columns = "", expression = "", checks = ""
        var questions = "", minItems = "", maxItems = "", maxPixels = "", timing = "", itemNoun = "", itemFeminine = false
        var locatesRequest = false, identity = ""
    }

    /// A block's question as one line: `identifiant;type;libellé;oui` (required) — and, for a choice, `;a|b|c`.
    static func line(of q: Field) -> String {
        var parts = [q.id, q.type.rawValue, q.label, q.required ? "oui" : "non"]
        if let options = q.options, !options.isEmpty { parts.append(options.map(\.label).joined(separator: "|")) }
        return parts.joined(separator: ";")
    }

    static func inputs(of f: Field) -> Inputs {
        func number(_ d: Decimal?) -> String { d.map { "\($0)".replacingOccurrences(of: ".", with: ",") } ?? "" }
        return Inputs(
            id: f.id, label: f.label, type: f.type.rawValue, required: f.required, help: f.help ?? "", condition: f.condition ?? "",
            options: (f.options ?? []).map { "\($0.value);\($0.label)" }.joined(separator: "\n"), dataSource: f.dataSource ?? "",
            display: f.display?.rawValue ?? "", min: number(f.min), max: number(f.max), integer: f.integer ?? false,
            maxLength: f.maxLength.map(String.init) ?? "", accept: (f.accept ?? []).map(\.rawValue),
            maxMegabytes: f.maxBytes.map { String($0 / 1_000_000) } ?? "", maxFiles: f.maxFiles.map(String.init) ?? "",
            rows: (f.rows ?? []).joined(separator: "\n"), columns: (f.columns ?? []).joined(separator: "\n"),
            expression: f.expression ?? "", checks: (f.postConditions ?? []).map { "\($0.condition) => \($0.message)" }.joined(separator: "\n"),
            questions: (f.fields ?? []).map(line(of:)).joined(separator: "\n"), minItems: f.minItems.map(String.init) ?? "",
            maxItems: f.maxItems.map(String.init) ?? "", maxPixels: f.maxPixels.map(String.init) ?? "", timing: f.timing?.rawValue ?? "",
            itemNoun: f.itemNoun ?? "", itemFeminine: f.itemFeminine ?? false, locatesRequest: f.locatesRequest ?? false,
            identity: f.identity?.rawValue ?? "")
    }

    static func inputs(posted value: (String) -> String, values: (String) -> [String]) -> Inputs {
        Inputs(id: value("identifiant").trimmingCharacters(in: .whitespaces), label: value("libelle"), type: value("type"),
               required: value("obligatoire") == "oui", help: value("aide"), condition: value("condition"),
               options: value("options"), dataSource: value("source"), display: value("affichage"), min: value("min"), max: value("max"),
               integer: value("entier") == "oui", maxLength: value("longueur"), accept: values("types"), maxMegabytes: value("taille"),
               maxFiles: value("fichiers"), rows: value("lignes"), columns: value("colonnes"), expression: value("expression"),
               checks: value("verifications"), questions: value("questions"), minItems: value("min_elements"), maxItems: value("max_elements"),
               maxPixels: value("pixels"), timing: value("moment"), itemNoun: value("nom_element"), itemFeminine: value("element_feminin") == "oui",
               locatesRequest: value("situe") == "oui", identity: value("identite"))
    }

    /// The field the inputs describe, or a message per input (keyed by the input's name).
    static func field(from i: Inputs) -> Result<Field, Errors> {
        var errors: [String: String] = [:]
        guard let type = FieldType(rawValue: i.type) else { return .failure(Errors(messages: ["type": "Choisissez un type de champ."])) }
        if i.label.trimmingCharacters(in: .whitespaces).isEmpty { errors["libelle"] = "Le libellé est obligatoire." }
        if !isIdentifier(i.id) { errors["identifiant"] = "En minuscules, chiffres et _ (par exemple date_naissance)." }
        func text(_ s: String) -> String? { let t = s.trimmingCharacters(in: .whitespacesAndNewlines); return t.isEmpty ? nil : t }
        func decimal(_ s: String, _ key: String) -> Decimal? {
            guard let t = text(s) else { return nil }
            guard let d = Decimal(string: t.replacingOccurrences(of: ",", with: "."), locale: Locale(identifier: "en_US_POSIX")) else {
                errors[key] = "Un nombre, par exemple 12 ou 12,5."; return nil
            }
            return d
        }
        func integer(_ s: String, _ key: String, _ range: ClosedRange<Int>) -> Int? {
            guard let t = text(s) else { return nil }
            guard let n = Int(t), range.contains(n) else { errors[key] = "Un nombre entier de \(range.lowerBound) à \(range.upperBound)."; return nil }
            return n
        }
        func lines(_ s: String) -> [String]? {
            let l = s.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            return l.isEmpty ? nil : l
        }
        func identity(_ s: String, for type: FieldType) -> IdentityField? {
            guard !s.isEmpty else { return nil }
            guard let piece = IdentityField(rawValue: s), piece.fieldType == type else {
                errors["identite"] = "Choisissez une donnée de l'identité qui convient à un champ « \(typeName(type)) »."; return nil
            }
            return piece
        }
        var f = Field(id: i.id, label: i.label.trimmingCharacters(in: .whitespaces), type: type, required: type.isStructural ? false : i.required,
                      help: text(i.help), condition: text(i.condition))
        switch type {
        case .singleChoice, .multipleChoice, .rankedChoice:
            f.dataSource = text(i.dataSource)
            if f.dataSource == nil {
                switch DataSource.items(fromLines: i.options) {
                case .success(let items): f.options = items.isEmpty ? nil : items
                case .failure(let e): errors["options"] = "Ligne \(e.line) : attendu « valeur;libellé » ou un libellé seul."
                }
            }
            if type == .singleChoice { f.display = ChoiceDisplay(rawValue: i.display) }
        case .number:
            f.min = decimal(i.min, "min"); f.max = decimal(i.max, "max"); f.integer = i.integer ? true : nil
        case .text, .longText:
            f.maxLength = integer(i.maxLength, "longueur", 1...100_000)
            f.identity = identity(i.identity, for: type)
        case .date:
            f.timing = DateTiming(rawValue: i.timing)
            f.identity = identity(i.identity, for: type)
        case .address:
            f.locatesRequest = i.locatesRequest ? true : nil
        case .file, .image:
            let kinds = i.accept.compactMap(FileKind.init(rawValue:))
            f.accept = kinds.isEmpty || type == .image ? nil : kinds
            if type == .image { f.maxPixels = integer(i.maxPixels, "pixels", 320...8000) }
            f.maxBytes = integer(i.maxMegabytes, "taille", 1...FileKind.absoluteMaxBytes / 1_000_000).map { $0 * 1_000_000 }
            f.maxFiles = integer(i.maxFiles, "fichiers", 1...20)
        case .table:
            f.rows = lines(i.rows); f.columns = lines(i.columns)
        case .computed:
            f.expression = text(i.expression)
            if f.expression == nil { errors["expression"] = "Un champ calculé a besoin de son expression." }
        case .block:
            var questions: [Field] = []
            for (n, line) in (lines(i.questions) ?? []).enumerated() {
                let parts = line.split(separator: ";", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
                guard parts.count >= 3, let type = FieldType(rawValue: parts[1]), type.fitsInBlock, !parts[2].isEmpty else {
                    errors["questions"] = "Ligne \(n + 1) : attendu « identifiant;type;libellé;oui », avec un type simple (text, number, date, email, phone, checkbox, single_choice…)."
                    break
                }
                let options = parts.count > 4 ? parts[4].split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty } : []
                questions.append(Field(id: parts[0], label: parts[2], type: type, required: parts.count > 3 && parts[3] == "oui",
                                       options: options.isEmpty ? nil : options.map { Choice(value: Slug.make($0), label: $0) }))
            }
            if questions.isEmpty && errors["questions"] == nil { errors["questions"] = "Un bloc contient au moins une question." }
            f.fields = questions
            f.minItems = integer(i.minItems, "min_elements", 0...50)
            f.maxItems = integer(i.maxItems, "max_elements", 1...50)
            f.itemNoun = text(i.itemNoun).map { String($0.prefix(60)) }
            f.itemFeminine = f.itemNoun != nil && i.itemFeminine ? true : nil
        case .page:
            var checks: [PostCondition] = []
            for (n, line) in (lines(i.checks) ?? []).enumerated() {
                let parts = line.components(separatedBy: "=>")
                guard parts.count == 2, let c = text(parts[0]), let m = text(parts[1]) else {
                    errors["verifications"] = "Ligne \(n + 1) : attendu « condition => message »."; break
                }
                checks.append(PostCondition(condition: c, message: m))
            }
            f.postConditions = checks.isEmpty ? nil : checks
        default: break
        }
        return errors.isEmpty ? .success(f) : .failure(Errors(messages: errors))
    }

    struct Errors: Error { var messages: [String: String] }

    static func isIdentifier(_ s: String) -> Bool {
        !s.isEmpty && s.count <= 64 && s.unicodeScalars.allSatisfy { ($0 >= "a" && $0 <= "z") || ($0 >= "0" && $0 <= "9") || $0 == "_" }
    }

    /// French names of the field types, for the type list.
    static let typeNames: [(FieldType, String)] = [
        (.text, "Texte court"), (.longText, "Texte long"), (.email, "Adresse e-mail"), (.phone, "Téléphone"), (.number, "Nombre"),
        (.date, "Date"), (.dateRange, "Période (dates)"), (.timeRange, "Plage horaire"), (.checkbox, "Case à cocher"),
        (.singleChoice, "Choix unique"), (.multipleChoice, "Choix multiple"), (.rankedChoice, "Classement"),
        (.address, "Adresse postale"), (.mapPoint, "Point sur une carte"), (.file, "Fichier"), (.table, "Tableau"),
        (.block, "Bloc répétable"), (.image, "Photo ou image"),
        (.siret, "SIRET"), (.siren, "SIREN"), (.nir, "Numéro de sécurité sociale"), (.iban, "IBAN"), (.postcode, "Code postal"),
        (.rna, "Numéro RNA"), (.antsPreApplication, "Pré-demande ANTS"), (.computed, "Champ calculé"),
        (.page, "Saut de page"), (.section, "Titre de section"), (.comment, "Texte explicatif"),
    ]
    static func typeName(_ t: FieldType) -> String { typeNames.first { $0.0 == t }?.1 ?? t.rawValue }

    /// The pieces of the identité pivot a question of this type may receive from FranceConnect.
    static func identityPieces(for t: FieldType) -> [IdentityField] { IdentityField.allCases.filter { $0.fieldType == t } }
}
