import Expressions
import Foundation

/// A form: its fields in order, page breaks included. Its logic is compiled whenever the fields are set, so a
/// definition read once (and cached) is evaluated without parsing.
public struct FormDefinition: Sendable, Codable, Equatable {
    public var fields: [Field] { didSet { logic = FormLogic(fields) } }
    public private(set) var logic: FormLogic

    public init(fields: [Field]) { self.fields = fields; logic = FormLogic(fields) }

    enum CodingKeys: String, CodingKey { case fields }

    public init(from decoder: Decoder) throws {
        self.init(fields: try decoder.container(keyedBy: CodingKeys.self).decode([Field].self, forKey: .fields))
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(fields, forKey: .fields)
    }

    public static func == (a: FormDefinition, b: FormDefinition) -> Bool { a.fields == b.fields }

    /// More than one page: the portal then walks page by page and shows a summary before sending.
    public var isMultiPage: Bool { logic.pages.count > 1 }

    /// Where the receipt and status e-mails go when the citizen is not signed in: the form's first e-mail field.
    public var contactEmailField: Field? { fields.first { $0.type == .email } }

    /// The field naming the person filing, by convention the text field `nom`.
    public var contactNameField: Field? { fields.first { $0.id == "nom" && $0.type == .text } }

    /// A new form's answers: those given in the address (`?nom=Dupont&quartier=centre`) for the fields they name,
    /// so a partner site can link to a démarche already started (only fields the citizen fills are taken, and every
    /// value is still validated on submission); then, for a signed-in person, their e-mail and name in the contact
    /// fields.
    /// - Parameter town: the commune whose démarche this is: the town of an address that locates the request
    ///   starts as it (the place is most often there; another one is pointed out, `PlaceRule`).
    public func prefill(email: String?, name: String?, query: [String: String] = [:], town: String? = nil) -> [String: [String]] {
        var values: [String: [String]] = [:]
        if let town { for field in fields where field.locatesRequest == true { values["\(field.id).city"] = [town] } }
        for field in fields where field.type.isInput && !field.type.holdsFiles {
            for (key, value) in query where field.owns(rawKey: key) {
                values[key] = [String(value.prefix(field.effectiveMaxLength))]
            }
        }
        if let field = contactEmailField, let email { values[field.id] = [email] }
        if let field = contactNameField, let name { values[field.id] = [name] }
        return values
    }

    /// The text a validated submission holds for a contact field.
    /// A stored request's answers as expressions read them, under the form's names.
    public func answerValues(_ data: [String: FieldValue]) -> [String: Value] {
        var env: [String: Value] = [:]
        for field in fields { data[field.id]?.bind(field, into: &env) }
        return env
    }

    public func text(of field: Field?, in values: [String: FieldValue]) -> String? {
        guard let field, case .text(let s) = values[field.id] else { return nil }
        return s
    }
}

/// File kinds Guichet accepts, each recognised by its content, not only its name.
public enum FileKind: String, Sendable, Codable, CaseIterable {
    case pdf, jpeg, png, odt, docx

    public static let absoluteMaxBytes = 20_000_000

    public var label: String { rawValue.uppercased() }
    public var contentType: String {
        switch self {
        case .pdf: "application/pdf"
        case .jpeg: "image/jpeg"
        case .png: "image/png"
        case .odt: "application/vnd.oasis.opendocument.text"
        case .docx: "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
        }
    }
    var extensions: [String] {
        switch self {
        case .pdf: ["pdf"]
        case .jpeg: ["jpg", "jpeg"]
        case .png: ["png"]
        case .odt: ["odt"]
        case .docx: ["docx"]
        }
    }
    var magic: [UInt8] {
        switch self {
        case .pdf: Array("%PDF-".utf8)
        case .jpeg: [0xFF, 0xD8, 0xFF]
        case .png: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
        case .odt, .docx: [0x50, 0x4B, 0x03, 0x04]
        }
    }

    /// The kind of an upload, judged by its extension *and* its first bytes agreeing.
    public static func detect(filename: String, head: some Collection<UInt8>) -> FileKind? {
        let ext = filename.split(separator: ".").last.map { $0.lowercased() } ?? ""
        return allCases.first { $0.extensions.contains(ext) && head.starts(with: $0.magic) }
    }
}
