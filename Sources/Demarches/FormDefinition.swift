import Foundation

public struct FormDefinition: Sendable, Codable, Equatable {
    public var fields: [Field]
    public init(fields: [Field]) { self.fields = fields }

    /// Where the receipt and status e-mails go when the citizen is not signed in: the form's first e-mail field.
    public var contactEmailField: Field? { fields.first { $0.type == .email } }

    /// The field naming the person filing, by convention the text field `nom`.
    public var contactNameField: Field? { fields.first { $0.id == "nom" && $0.type == .text } }

    /// A new form's answers for a signed-in person: their e-mail and name in the contact fields.
    public func prefill(email: String?, name: String?) -> [String: [String]] {
        var values: [String: [String]] = [:]
        if let field = contactEmailField, let email { values[field.id] = [email] }
        if let field = contactNameField, let name { values[field.id] = [name] }
        return values
    }

    /// The text a validated submission holds for a contact field.
    public func text(of field: Field?, in values: [String: FieldValue]) -> String? {
        guard let field, case .text(let s) = values[field.id] else { return nil }
        return s
    }
}

public enum FieldType: String, Sendable, Codable, CaseIterable {
    case text, longText = "long_text", email, phone, number, date
    case singleChoice = "single_choice", multipleChoice = "multiple_choice", checkbox, address, file
}

public struct Choice: Sendable, Codable, Equatable {
    public var value: String
    public var label: String
    public init(value: String, label: String) { self.value = value; self.label = label }
}

/// One typed field. Options that do not apply to a type are ignored for it; `FormCheck` refuses contradictions.
public struct Field: Sendable, Codable, Equatable {
    public var id: String
    public var label: String
    public var type: FieldType
    public var required: Bool
    public var help: String?
    /// Choices, for single and multiple choice.
    public var options: [Choice]?
    /// Bounds and integrality, for numbers.
    public var min: Decimal?
    public var max: Decimal?
    public var integer: Bool?
    /// Maximum length in characters, for text (default 255) and long text (default 10,000).
    public var maxLength: Int?
    /// Accepted file kinds, for files (default: pdf, jpeg, png).
    public var accept: [FileKind]?
    /// Maximum size of one file in bytes (default 10 MB, never more than `FileKind.absoluteMaxBytes`).
    public var maxBytes: Int?

    public init(id: String, label: String, type: FieldType, required: Bool = false, help: String? = nil,
                options: [Choice]? = nil, min: Decimal? = nil, max: Decimal? = nil, integer: Bool? = nil,
                maxLength: Int? = nil, accept: [FileKind]? = nil, maxBytes: Int? = nil) {
        self.id = id; self.label = label; self.type = type; self.required = required; self.help = help
        self.options = options; self.min = min; self.max = max; self.integer = integer
        self.maxLength = maxLength; self.accept = accept; self.maxBytes = maxBytes
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        id = try c.decode(String.self, forKey: .id)
        label = try c.decode(String.self, forKey: .label)
        type = try c.decode(FieldType.self, forKey: .type)
        required = try c.decodeIfPresent(Bool.self, forKey: .required) ?? false
        help = try c.decodeIfPresent(String.self, forKey: .help)
        options = try c.decodeIfPresent([Choice].self, forKey: .options)
        min = try c.decodeIfPresent(Decimal.self, forKey: .min)
        max = try c.decodeIfPresent(Decimal.self, forKey: .max)
        integer = try c.decodeIfPresent(Bool.self, forKey: .integer)
        maxLength = try c.decodeIfPresent(Int.self, forKey: .maxLength)
        accept = try c.decodeIfPresent([FileKind].self, forKey: .accept)
        maxBytes = try c.decodeIfPresent(Int.self, forKey: .maxBytes)
    }

    public var effectiveMaxLength: Int { maxLength ?? (type == .longText ? 10_000 : 255) }
    public var effectiveAccept: [FileKind] { accept ?? [.pdf, .jpeg, .png] }
    public var effectiveMaxBytes: Int { Swift.min(maxBytes ?? 10_000_000, FileKind.absoluteMaxBytes) }
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
