import Foundation

/// Server-side validation of a submission against a form definition. Pure: it neither stores nor reads anything.
public enum FormValidator {
    public struct Outcome: Sendable {
        /// Valid values by field id; optional fields left empty are absent.
        public var values: [String: FieldValue]
        /// Files accepted, with their bytes, to store under `StoredFile.id`.
        public var files: [(StoredFile, [UInt8])]
        /// A French message per field id in error.
        public var errors: [String: String]
        public var isValid: Bool { errors.isEmpty }
    }

    public static func validate(_ raw: RawSubmission, against form: FormDefinition,
                                newFileID: () -> String = { UUID().uuidString.lowercased() }) -> Outcome {
        var outcome = Outcome(values: [:], files: [], errors: [:])
        for field in form.fields {
            switch check(field, raw, newFileID) {
            case .empty: if field.required { outcome.errors[field.id] = Messages.required(field.type) }
            case .valid(let value, let files): outcome.values[field.id] = value; outcome.files += files
            case .invalid(let message): outcome.errors[field.id] = message
            }
        }
        return outcome
    }

    enum Check { case empty, valid(FieldValue, [(StoredFile, [UInt8])] = []), invalid(String) }

    static func check(_ field: Field, _ raw: RawSubmission, _ newFileID: () -> String) -> Check {
        let text = raw.first(field.id).trimmingCharacters(in: .whitespacesAndNewlines)
        switch field.type {
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
            return CalendarDate.parse(text).map { .valid(.text($0)) } ?? .invalid(Messages.date)
        case .singleChoice:
            if text.isEmpty { return .empty }
            return (field.options ?? []).contains { $0.value == text } ? .valid(.text(text)) : .invalid(Messages.choice)
        case .multipleChoice:
            let picked = (raw.values[field.id] ?? []).filter { !$0.isEmpty }
            if picked.isEmpty { return .empty }
            let allowed = (field.options ?? []).map(\.value)
            guard picked.allSatisfy(allowed.contains) else { return .invalid(Messages.choice) }
            return .valid(.choices(allowed.filter(picked.contains)))
        case .checkbox:
            return ["on", "true", "1", "oui"].contains(text.lowercased()) ? .valid(.flag(true)) : .empty
        case .address:
            return address(field, raw)
        case .file:
            return files(field, raw, newFileID)
        }
    }

    static func number(_ text: String, _ field: Field) -> Check {
        let normalised = text.replacingOccurrences(of: ",", with: ".").replacingOccurrences(of: " ", with: "")
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
        if uploads.isEmpty { return .empty }
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
    static let street = "Indiquez le numéro et le nom de la voie."
    static let postcode = "Le code postal compte 5 chiffres."
    static let city = "Indiquez la commune."
    static func tooLong(_ n: Int) -> String { "Ce texte dépasse \(n) caractères." }
    static func atLeast(_ d: Decimal) -> String { "Le nombre doit être supérieur ou égal à \(french(d))." }
    static func atMost(_ d: Decimal) -> String { "Le nombre doit être inférieur ou égal à \(french(d))." }
    static func fileTooBig(_ bytes: Int) -> String {
        bytes >= 1_000_000 ? "Ce fichier dépasse \(bytes / 1_000_000) Mo." : "Ce fichier dépasse \(max(1, bytes / 1000)) ko."
    }
    static func fileKind(_ kinds: [FileKind]) -> String {
        "Ce type de fichier n'est pas accepté (formats acceptés : \(kinds.map(\.label).joined(separator: ", ")))."
    }
    static func french(_ d: Decimal) -> String { "\(d)".replacingOccurrences(of: ".", with: ",") }
}
