import Expressions
import Foundation
import Workflow

/// Server-side validation of a submission against a form definition. Pure: it neither stores nor reads anything.
///
/// Fields are walked in order. A field is asked only when its page's condition and its own hold over the answers
/// before it; a field not asked is neither required nor kept, whatever the client sent. Computed fields take
/// their value as they are reached, and a page's post-conditions run once its own fields are valid. Since nothing
/// on a page depends on later pages, one walk serves both sending a whole form and moving between its pages
/// (`FormNavigation`).
public enum FormValidator {
    public struct Outcome: Sendable {
        /// Valid values by field id, computed ones included; fields left empty or not asked are absent.
        public var values: [String: FieldValue]
        /// Files accepted, with their bytes, to store under `StoredFile.id` (kept files are not repeated here).
        public var files: [(StoredFile, [UInt8])]
        /// A French message per field id in error; a failed page check is keyed by its page break's id.
        public var errors: [String: String]
        /// The pages holding an error (a failed page check counts for its page).
        public var pagesWithErrors: Set<Int>
        /// Ids of the fields (structure included) that were asked, given the answers.
        public var visible: Set<String>
        /// Indices of the pages shown, given the answers, in order.
        public var visiblePages: [Int]
        /// Addresses that locate the request elsewhere than its collectivité (`PlaceRule`), by field id.
        public var elsewhere: [String: PlaceRule.Elsewhere] = [:]
        public var isValid: Bool { errors.isEmpty }
    }

    /// - Parameter context: the day `aujourdhui()` and `age()` count from (Lyon's, given by the caller).
    /// - Parameter place: what the collectivité covers, for addresses that locate the request; nil checks no place.
    public static func validate(_ raw: RawSubmission, against form: FormDefinition, context: EvaluationContext,
                                place: PlaceRule? = nil,
                                newFileID: () -> String = { UUID().uuidString.lowercased() }) -> Outcome {
        let logic = form.logic
        var outcome = Outcome(values: [:], files: [], errors: [:], pagesWithErrors: [], visible: [], visiblePages: [])
        var env: [String: Value] = [:]
        var pageShown = true
        var openPage: FormLogic.Page? = logic.pages.first
        if logic.pages.first?.pageField == nil { outcome.visiblePages.append(0) }

        func closePage() {
            guard let page = openPage, pageShown, let pageField = page.pageField,
                  !outcome.pagesWithErrors.contains(page.index) else { return }
            if let failed = page.postConditions.first(where: { !Evaluator.holds($0.expr, values: env, context: context) }) {
                outcome.errors[pageField.id] = failed.message
                outcome.pagesWithErrors.insert(page.index)
            }
        }

        for (i, field) in form.fields.enumerated() {
            let pageIndex = logic.pageOfField(i)
            if field.type == .page {
                closePage()
                openPage = logic.pages[pageIndex]
                pageShown = logic.conditions[i].map { Evaluator.holds($0, values: env, context: context) } ?? true
                if pageShown { outcome.visiblePages.append(pageIndex); outcome.visible.insert(field.id) }
                continue
            }
            guard pageShown, logic.conditions[i].map({ Evaluator.holds($0, values: env, context: context) }) ?? true else { continue }
            outcome.visible.insert(field.id)
            if field.type.isStructural { continue }
            if field.type == .computed {
                if let expr = logic.expressions[i] {
                    let value = Evaluator.evaluate(expr, values: env, context: context)
                    env[field.id] = value
                    if let stored = FieldValue(value) { outcome.values[field.id] = stored }
                }
                continue
            }
            var error: String?
            switch check(field, raw, newFileID) {
            case .empty: if field.required { error = Messages.required(field.type) }
            case .valid(.text(let day), _) where field.type == .date && field.timing?.allows(day, today: context.today) == false:
                error = field.timing?.refusal
            case .valid(let value, let files):
                if let elsewhere = place.flatMap({ elsewhere(value, of: field, in: raw, by: $0) }) {
                    error = elsewhere.message
                    outcome.elsewhere[field.id] = elsewhere
                } else {
                    outcome.values[field.id] = value; outcome.files += files
                    value.bind(field, into: &env)
                }
            case .invalid(let message): error = message
            }
            if let error { outcome.errors[field.id] = error; outcome.pagesWithErrors.insert(pageIndex) }
        }
        closePage()
        return outcome
    }

    /// Where an address that locates the request is, when it is not the collectivité's and the citizen did not
    /// confirm it (`PlaceRule`); nil for any other answer.
    static func elsewhere(_ value: FieldValue, of field: Field, in raw: RawSubmission, by rule: PlaceRule) -> PlaceRule.Elsewhere? {
        guard field.locatesRequest == true, case .address(let address) = value,
              raw.first("\(field.id).\(PlaceRule.confirmKey)") != "oui" else { return nil }
        return rule.elsewhere(address)
    }

    enum Check { case empty, valid(FieldValue, [(StoredFile, [UInt8])] = []), invalid(String) }

    static func check(_ field: Field, _ raw: RawSubmission, _ newFileID: () -> String) -> Check {
        let text = raw.first(field.id).trimmingCharacters(in: .whitespacesAndNewlines)
        switch field.type {
        case .siret, .siren, .nir, .iban, .postcode, .rna, .antsPreApplication:
            if text.isEmpty { return .empty }
            return field.type.identifier?(text).map { .valid(.text($0)) } ?? .invalid(Messages.identifier(field.type, typed: text))
        case .text, .longText:
            if text.isEmpty { return .empty }
            if text.count > field.effectiveMaxLength { return .invalid(Messages.tooLong(field.effectiveMaxLength)) }
            if field.type == .text && text.contains(where: \.isNewline) { return .invalid(Messages.oneLine) }
            return .valid(.text(text))
        case .email:
            if text.isEmpty { return .empty }
            return Email.isValid(text) ? .valid(.text(text)) : .invalid(Messages.email)
        case .phone:
            if text.isEmpty { return .empty }
            return Phone.normalise(text).map { .valid(.text($0)) } ?? .invalid(Messages.phone)
        case .number:
            if text.isEmpty { return .empty }
            return number(text, field)
        case .date:
            if text.isEmpty { return .empty }
            return CivilDate.parse(text).map { .valid(.text($0)) } ?? .invalid(Messages.date)
        case .dateRange, .timeRange:
            return range(field, raw)
        case .singleChoice:
            if text.isEmpty { return .empty }
            return choice(text, field).map { .valid(.text($0)) } ?? .invalid(Messages.choice)
        case .multipleChoice:
            let picked = (raw.values[field.id] ?? []).filter { !$0.isEmpty }
            if picked.isEmpty { return .empty }
            let allowed = (field.options ?? []).map(\.value)
            guard picked.allSatisfy(allowed.contains) else { return .invalid(Messages.choice) }
            return .valid(.choices(allowed.filter(picked.contains)))
        case .rankedChoice:
            return ranked(field, raw)
        case .checkbox:
            return ["on", "true", "1", "oui"].contains(text.lowercased()) ? .valid(.flag(true)) : .empty
        case .address:
            return address(field, raw)
        case .mapPoint:
            return point(field, raw)
        case .file, .image:
            return files(field, raw, newFileID)
        case .table:
            return table(field, raw)
        case .block:
            return block(field, raw, newFileID)
        case .computed, .page, .section, .comment:
            return .empty  // nothing to read: `validate` computes or skips these
        }
    }

    /// A single choice, by its value or, from a suggestion box, by its label typed without care for case or accents.
    static func choice(_ text: String, _ field: Field) -> String? {
        let options = field.options ?? []
        if let exact = options.first(where: { $0.value == text }) { return exact.value }
        return options.first { $0.label.compare(text, options: [.caseInsensitive, .diacriticInsensitive]) == .orderedSame }?.value
    }

    /// Ranked choice, sent either as the options in order (`id` repeated: the API) or as a rank per option
    /// (`id.<value>` = 1, 2…: the HTML form). Ranks must be distinct; options left unranked are left out.
    static func ranked(_ field: Field, _ raw: RawSubmission) -> Check {
        let allowed = (field.options ?? []).map(\.value)
        let ordered = (raw.values[field.id] ?? []).filter { !$0.isEmpty }
        if !ordered.isEmpty {
            guard ordered.allSatisfy(allowed.contains), Set(ordered).count == ordered.count else { return .invalid(Messages.choice) }
            return .valid(.choices(ordered))
        }
        var ranks: [(Int, String)] = []
        for value in allowed {
            let given = raw.first("\(field.id).\(value)").trimmingCharacters(in: .whitespaces)
            if given.isEmpty { continue }
            guard let rank = Int(given), (1...allowed.count).contains(rank) else { return .invalid(Messages.rank(allowed.count)) }
            ranks.append((rank, value))
        }
        if ranks.isEmpty { return .empty }
        guard Set(ranks.map(\.0)).count == ranks.count else { return .invalid(Messages.rankTwice) }
        return .valid(.choices(ranks.sorted { $0.0 < $1.0 }.map(\.1)))
    }

    static func range(_ field: Field, _ raw: RawSubmission) -> Check {
        let start = raw.first("\(field.id).start").trimmingCharacters(in: .whitespaces)
        let end = raw.first("\(field.id).end").trimmingCharacters(in: .whitespaces)
        if start.isEmpty && end.isEmpty { return .empty }
        let isDate = field.type == .dateRange
        func parsed(_ text: String) -> String? { isDate ? CivilDate.parse(text) : ClockTime.parse(text) }
        let invalid = isDate ? Messages.date : Messages.time
        guard let s = parsed(start) else { return .invalid(start.isEmpty ? Messages.rangeStart : invalid) }
        guard let e = parsed(end) else { return .invalid(end.isEmpty ? Messages.rangeEnd : invalid) }
        // ISO dates and zero-padded times both order as text.
        if isDate ? s > e : s >= e { return .invalid(Messages.rangeOrder(field.type)) }
        return .valid(.range(ValueRange(start: s, end: e)))
    }

    static func point(_ field: Field, _ raw: RawSubmission) -> Check {
        let lat = raw.first("\(field.id).lat").trimmingCharacters(in: .whitespaces).replacingOccurrences(of: ",", with: ".")
        let lon = raw.first("\(field.id).lon").trimmingCharacters(in: .whitespaces).replacingOccurrences(of: ",", with: ".")
        if lat.isEmpty && lon.isEmpty { return .empty }
        guard isDecimalShape(lat), isDecimalShape(lon), let la = Decimal(string: lat), let lo = Decimal(string: lon),
              (-90...90).contains(la), (-180...180).contains(lo) else { return .invalid(Messages.point) }
        return .valid(.point(GeoPoint(lat: la, lon: lo)))
    }

    static func table(_ field: Field, _ raw: RawSubmission) -> Check {
        let rows = field.rows ?? [], columns = field.columns ?? []
        var cells: [[String]] = []
        for r in rows.indices {
            var row: [String] = []
            for c in columns.indices {
                let cell = raw.first("\(field.id).\(r).\(c)").trimmingCharacters(in: .whitespacesAndNewlines)
                if cell.count > 255 || cell.contains(where: \.isNewline) { return .invalid(Messages.cell) }
                row.append(cell)
            }
            cells.append(row)
        }
        return cells.joined().allSatisfy(\.isEmpty) ? .empty : .valid(.table(cells))
    }

    /// A repeatable block: items posted as `<block>.<n>.<question>`. An item left entirely blank is dropped (a
    /// spare row); every other item is checked question by question, and the first problem says which item.
    static func block(_ field: Field, _ raw: RawSubmission, _ newFileID: () -> String) -> Check {
        let questions = field.fields ?? []
        let prefix = field.id + "."
        let indices = Set(raw.values.keys.compactMap { key -> Int? in
            guard key.hasPrefix(prefix) else { return nil }
            return Int(key.dropFirst(prefix.count).prefix { $0 != "." })
        }).filter { $0 < 200 }.sorted()
        var items: [[String: FieldValue]] = []
        for n in indices {
            var item: [String: FieldValue] = [:]
            var problem: String?
            for q in questions {
                switch check(field.question(q, ofItem: n), raw, newFileID) {
                case .empty: if q.required, problem == nil { problem = "« \(q.label) » : \(Messages.required(q.type))" }
                case .valid(let value, _): item[q.id] = value
                case .invalid(let message): if problem == nil { problem = "« \(q.label) » : \(message)" }
                }
            }
            if item.isEmpty { continue }
            if let problem { return .invalid("\(field.itemName(items.count + 1)), \(problem)") }
            items.append(item)
        }
        if items.isEmpty && field.effectiveMinItems <= 1 { return .empty }
        if items.count < field.effectiveMinItems { return .invalid(Messages.atLeastItems(field.effectiveMinItems)) }
        if items.count > field.effectiveMaxItems { return .invalid(Messages.atMostItems(field.effectiveMaxItems)) }
        return .valid(.items(items))
    }

    static func number(_ text: String, _ field: Field) -> Check {
        // As people write amounts: « 5 000 € », « 1 234,50 ».
        var typed = text.trimmingCharacters(in: .whitespaces)
        if typed.hasSuffix("€") { typed.removeLast() }
        let normalised = typed.replacingOccurrences(of: ",", with: ".").replacingOccurrences(of: " ", with: "")
            .replacingOccurrences(of: "\u{202F}", with: "").replacingOccurrences(of: "\u{00A0}", with: "")
        guard isDecimalShape(normalised), let value = Decimal(string: normalised)
        else { return .invalid(Messages.number) }
        if field.integer == true, normalised.contains(".") { return .invalid(Messages.integer) }
        if let min = field.min, value < min { return .invalid(Messages.atLeast(min)) }
        if let max = field.max, value > max { return .invalid(Messages.atMost(max)) }
        return .valid(.number(value))
    }

    /// An optional sign, 1 to 15 digits, then optionally a dot and 1 to 6 digits.
    static func isDecimalShape(_ s: String) -> Bool {
        var b = Substring(s).utf8
        if let first = b.first, first == UInt8(ascii: "-") || first == UInt8(ascii: "+") { b = b.dropFirst() }
        let parts = b.split(separator: UInt8(ascii: "."), maxSplits: 1, omittingEmptySubsequences: false)
        guard ASCIIShape.digits(parts[0], count: 1...15) else { return false }
        return parts.count == 1 || ASCIIShape.digits(parts[1], count: 1...6)
    }

    static func address(_ field: Field, _ raw: RawSubmission) -> Check {
        let street = raw.first("\(field.id).street").trimmingCharacters(in: .whitespacesAndNewlines)
        let postcode = raw.first("\(field.id).postcode").replacingOccurrences(of: " ", with: "")
        let city = raw.first("\(field.id).city").trimmingCharacters(in: .whitespacesAndNewlines)
        if street.isEmpty && postcode.isEmpty && city.isEmpty { return .empty }
        if street.isEmpty { return .invalid(Messages.street) }
        if !ASCIIShape.digits(postcode.utf8, count: 5...5) { return .invalid(Messages.postcode) }
        if city.isEmpty { return .invalid(Messages.city) }
        if street.count > 255 || city.count > 100 { return .invalid(Messages.tooLong(255)) }
        return .valid(.address(Address(street: street, postcode: postcode, city: city)))
    }

    static func files(_ field: Field, _ raw: RawSubmission, _ newFileID: () -> String) -> Check {
        let uploads = (raw.files[field.id] ?? []).filter { !$0.bytes.isEmpty || !$0.filename.isEmpty }
        if uploads.isEmpty { return raw.keptFiles[field.id].map { .valid(.files($0)) } ?? .empty }
        if uploads.count > field.effectiveMaxFiles { return .invalid(Messages.tooManyFiles(field.effectiveMaxFiles)) }
        var stored: [(StoredFile, [UInt8])] = []
        for upload in uploads {
            if upload.bytes.count > field.effectiveMaxBytes { return .invalid(Messages.fileTooBig(field.effectiveMaxBytes)) }
            guard let kind = FileKind.detect(filename: upload.filename, head: upload.bytes.prefix(8)),
                  field.effectiveAccept.contains(kind)
            else { return .invalid(Messages.fileKind(field.effectiveAccept)) }
            let name = String(upload.filename.split(separator: "/").last ?? "fichier").prefix(200)
            stored.append((StoredFile(id: newFileID(), filename: String(name), contentType: kind.contentType,
                                      size: upload.bytes.count), upload.bytes))
        }
        return .valid(.files(stored.map(\.0)), stored)
    }
}

/// The French messages shown beside fields. One place, so wording stays consistent across web and API.
enum Messages {
    static func required(_ type: FieldType) -> String {
        switch type {
        case .checkbox: "Cochez cette case pour continuer."
        case .singleChoice, .multipleChoice: "Choisissez une option."
        case .file: "Joignez un fichier."
        case .image: "Joignez une photo."
        case .rankedChoice: "Classez au moins une option."
        case .mapPoint: "Indiquez un point sur la carte."
        case .table: "Remplissez au moins une case du tableau."
        case .block: "Ajoutez au moins un élément."
        default: "Ce champ est obligatoire."
        }
    }
    static let oneLine = "Ce champ tient sur une seule ligne."
    static let email = "Saisissez une adresse e-mail valide, par exemple nom@exemple.fr."
    static let phone = "Saisissez un numéro de téléphone valide, par exemple 04 78 00 00 00."
    static let number = "Saisissez un nombre, par exemple 12 ou 12,5."
    static let integer = "Saisissez un nombre entier."
    static let date = "Saisissez une date valide, par exemple 21/03/2026."
    static let choice = "Choisissez une des options proposées."
    static let time = "Saisissez une heure valide, par exemple 08:30."
    static let rangeStart = "Indiquez le début."
    static let rangeEnd = "Indiquez la fin."
    static func rangeOrder(_ type: FieldType) -> String {
        type == .dateRange ? "La date de fin ne peut pas précéder la date de début." : "L'heure de fin doit suivre l'heure de début."
    }
    static func rank(_ n: Int) -> String { "Chaque rang est un nombre de 1 à \(n)." }
    static let rankTwice = "Deux options ont le même rang."
    static let point = "Ce point n'est pas une position valide (latitude entre -90 et 90, longitude entre -180 et 180)."
    static let cell = "Chaque case du tableau tient sur une ligne de 255 caractères au plus."
    static func atLeastItems(_ n: Int) -> String { "Ajoutez au moins \(n) éléments." }
    static func atMostItems(_ n: Int) -> String { n == 1 ? "Un seul élément est possible." : "\(n) éléments au plus." }
    static func tooManyFiles(_ n: Int) -> String { n == 1 ? "Joignez un seul fichier." : "Joignez au plus \(n) fichiers." }
    /// The message fits the mistake: a number of the wrong length says how many digits it has; one of the right
    /// length whose check fails is probably mistyped.
    static func identifier(_ type: FieldType, typed: String) -> String {
        let digits = typed.filter(\.isNumber).count
        func sirenLike(_ name: String, _ length: Int) -> String {
            digits == length && typed.allSatisfy({ $0.isNumber || $0 == " " || $0 == "." })
                ? "Ce numéro \(name) n'est pas valide : ses \(length) chiffres ne concordent pas (un chiffre est sans doute mal recopié ou inversé)."
                : "Un numéro \(name) compte \(length) chiffres ; celui-ci en a \(digits)."
        }
        switch type {
        case .siret: return sirenLike("SIRET", 14)
        case .siren: return sirenLike("SIREN", 9)
        default: return identifier(type)
        }
    }
    static func identifier(_ type: FieldType) -> String {
        switch type {
        case .siret: "Ce numéro SIRET n'est pas valide : il compte 14 chiffres."
        case .siren: "Ce numéro SIREN n'est pas valide : il compte 9 chiffres."
        case .nir: "Ce numéro de sécurité sociale n'est pas valide : 15 caractères, clé comprise."
        case .iban: "Cet IBAN n'est pas valide ; recopiez-le depuis votre RIB, par exemple FR76 3000 6000 0112 3456 7890 189."
        case .postcode: "Saisissez un code postal français de 5 chiffres, par exemple 69300."
        case .rna: "Le numéro RNA commence par W suivi de 9 chiffres, par exemple W691234567."
        case .antsPreApplication: "Le numéro de pré-demande ANTS compte 10 lettres ou chiffres."
        default: "Cette valeur n'est pas valide."
        }
    }
    static let street = "Indiquez le numéro et le nom de la voie."
    static let postcode = "Le code postal compte 5 chiffres."
    static let city = "Indiquez la commune."
    static func tooLong(_ n: Int) -> String { "Ce texte dépasse \(n) caractères." }
    static func atLeast(_ d: Decimal) -> String { "Le nombre doit être supérieur ou égal à \(french(d))." }
    static func atMost(_ d: Decimal) -> String { "Le nombre doit être inférieur ou égal à \(french(d))." }
    static func fileTooBig(_ bytes: Int) -> String { "Ce fichier dépasse \(size(bytes))." }
    static func size(_ bytes: Int) -> String { bytes >= 1_000_000 ? "\(bytes / 1_000_000) Mo" : "\(max(1, bytes / 1000)) ko" }
    static func fileKind(_ kinds: [FileKind]) -> String {
        "Ce type de fichier n'est pas accepté (formats acceptés : \(kinds.map(\.label).joined(separator: ", ")))."
    }
    static func french(_ d: Decimal) -> String { FrenchNumber.format(d) }
}
