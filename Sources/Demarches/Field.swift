import Expressions
import Foundation

public struct Choice: Sendable, Codable, Equatable {
    public var value: String
    public var label: String
    public init(value: String, label: String) { self.value = value; self.label = label }
}

/// One element of a form: a question, a computed value, or structure (page break, section title, explanatory
/// text). Options that do not apply to a type are ignored for it; `FormCheck` refuses contradictions.
public struct Field: Sendable, Codable, Equatable {
    public var id: String
    /// The question; for a page break, the page title; for explanatory text, the text itself.
    public var label: String
    public var type: FieldType
    public var required: Bool
    public var help: String?
    /// Shown (and validated, and kept) only when this expression holds. On a page break, it applies to the
    /// whole page. It may name only fields that come before it.
    public var condition: String?
    /// For a computed field: the expression whose value it keeps.
    public var expression: String?
    /// For a page break: the checks the page's answers must pass before the citizen moves on.
    public var postConditions: [PostCondition]?
    /// Choices, for single, multiple and ranked choice.
    public var options: [Choice]?
    /// For a choice: the collectivité's data source its options come from (instead of `options`).
    public var dataSource: String?
    /// How a single choice is drawn (default: radio buttons up to 5 options, a list beyond).
    public var display: ChoiceDisplay?
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
    /// How many files one may attach (default 1).
    public var maxFiles: Int?
    /// Row and column headings, for a table.
    public var rows: [String]?
    public var columns: [String]?
    /// For a repeatable block: the questions of one item, and how many items may be given (default 0 to 10;
    /// at least 1 when the block is required).
    public var fields: [Field]?
    public var minItems: Int?
    public var maxItems: Int?

    public init(id: String, label: String, type: FieldType, required: Bool = false, help: String? = nil,
                condition: String? = nil, expression: String? = nil, postConditions: [PostCondition]? = nil,
                options: [Choice]? = nil, dataSource: String? = nil, display: ChoiceDisplay? = nil,
                min: Decimal? = nil, max: Decimal? = nil, integer: Bool? = nil,
                maxLength: Int? = nil, accept: [FileKind]? = nil, maxBytes: Int? = nil, maxFiles: Int? = nil,
                rows: [String]? = nil, columns: [String]? = nil, fields: [Field]? = nil, minItems: Int? = nil, maxItems: Int? = nil,
                identity: IdentityField? = nil) {
        self.id = id; self.label = label; self.type = type; self.required = required; self.help = help
        self.condition = condition; self.expression = expression; self.postConditions = postConditions
        self.options = options; self.dataSource = dataSource; self.display = display; self.min = min; self.max = max; self.integer = integer
        self.maxLength = maxLength; self.accept = accept; self.maxBytes = maxBytes; self.maxFiles = maxFiles
        self.rows = rows; self.columns = columns; self.fields = fields; self.minItems = minItems; self.maxItems = maxItems
        self.identity = identity
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        id = try c.decode(String.self, forKey: .id)
        label = try c.decode(String.self, forKey: .label)
        type = try c.decode(FieldType.self, forKey: .type)
        required = try c.decodeIfPresent(Bool.self, forKey: .required) ?? false
        help = try c.decodeIfPresent(String.self, forKey: .help)
        condition = try c.decodeIfPresent(String.self, forKey: .condition)
        expression = try c.decodeIfPresent(String.self, forKey: .expression)
        postConditions = try c.decodeIfPresent([PostCondition].self, forKey: .postConditions)
        options = try c.decodeIfPresent([Choice].self, forKey: .options)
        dataSource = try c.decodeIfPresent(String.self, forKey: .dataSource)
        display = try c.decodeIfPresent(ChoiceDisplay.self, forKey: .display)
        min = try c.decodeIfPresent(Decimal.self, forKey: .min)
        max = try c.decodeIfPresent(Decimal.self, forKey: .max)
        integer = try c.decodeIfPresent(Bool.self, forKey: .integer)
        maxLength = try c.decodeIfPresent(Int.self, forKey: .maxLength)
        accept = try c.decodeIfPresent([FileKind].self, forKey: .accept)
        maxBytes = try c.decodeIfPresent(Int.self, forKey: .maxBytes)
        maxFiles = try c.decodeIfPresent(Int.self, forKey: .maxFiles)
        rows = try c.decodeIfPresent([String].self, forKey: .rows)
        columns = try c.decodeIfPresent([String].self, forKey: .columns)
        fields = try c.decodeIfPresent([Field].self, forKey: .fields)
        minItems = try c.decodeIfPresent(Int.self, forKey: .minItems)
        maxItems = try c.decodeIfPresent(Int.self, forKey: .maxItems)
        maxPixels = try c.decodeIfPresent(Int.self, forKey: .maxPixels)
        timing = try c.decodeIfPresent(DateTiming.self, forKey: .timing)
        itemNoun = try c.decodeIfPresent(String.self, forKey: .itemNoun)
        itemFeminine = try c.decodeIfPresent(Bool.self, forKey: .itemFeminine)
        locatesRequest = try c.decodeIfPresent(Bool.self, forKey: .locatesRequest)
        identity = try c.decodeIfPresent(IdentityField.self, forKey: .identity)
    }

    /// Whether a posted key carries this field's answer: its id, or one of its parts (`adresse.city`,
    /// `dates.start`, `tableau.0.1`).
    public func owns(rawKey key: String) -> Bool {
        key == id || key.hasPrefix(id + ".")
    }

    public var effectiveMaxLength: Int { maxLength ?? (type == .longText ? 10_000 : 255) }
    /// For an image: the longest side, in pixels, a photo is reduced to in the browser before it is sent.
    public var maxPixels: Int?
    /// For a date: whether it must be past (a birth, an observation) or to come (an event), today included.
    public var timing: DateTiming?
    /// For a block: what one item is called (« membre », « enfant »), and whether the noun is feminine
    /// (« une personne »), so buttons say « Ajouter un membre » rather than « Ajouter un élément ».
    public var itemNoun: String?
    public var itemFeminine: Bool?
    /// For an address: it says where the request is about (a report's location), so it must be in the
    /// collectivité's territory (`PlaceRule`); a home or an association's seat may be anywhere.
    public var locatesRequest: Bool?
    /// For a text or date question: the piece of the person's civil identity it asks, filled from FranceConnect
    /// (and not changeable) when the signed-in account holds a verified identity.
    public var identity: IdentityField?
    public var effectiveAccept: [FileKind] { type == .image ? (accept ?? [.jpeg, .png]).filter { $0 == .jpeg || $0 == .png } : accept ?? [.pdf, .jpeg, .png] }
    public var effectiveMaxPixels: Int { maxPixels ?? 2048 }
    public var effectiveMaxBytes: Int { Swift.min(maxBytes ?? 10_000_000, FileKind.absoluteMaxBytes) }
    public var effectiveMaxFiles: Int { Swift.max(1, maxFiles ?? 1) }
    /// The posted key holding how many items of a block the page shows (`enfants._lignes`).
    public static let blockCountKey = "_lignes"

    /// A block's question as asked in item `n` (0-based): the same question, read from `<block>.<n>.<question>`.
    public func question(_ sub: Field, ofItem n: Int) -> Field {
        var f = sub
        f.id = "\(id).\(n).\(sub.id)"
        return f
    }

    /// « Ajouter un membre », « Ajouter une personne »; « Ajouter un élément » without a noun.
    public var addItemLabel: String {
        guard let noun = namedItem else { return "Ajouter un élément" }
        return "Ajouter \(itemFeminine == true ? "une" : "un") \(noun)"
    }
    /// « Retirer le dernier membre », « Retirer la dernière personne ».
    public var removeItemLabel: String {
        guard let noun = namedItem else { return "Retirer le dernier élément" }
        return "Retirer \(itemFeminine == true ? "la dernière" : "le dernier") \(noun)"
    }
    /// Item `n` (1-based) named alone, as messages say it: « Membre 2 », « Élément 2 ».
    public func itemName(_ n: Int) -> String {
        (namedItem.map { $0.prefix(1).uppercased() + $0.dropFirst() } ?? "Élément") + " \(n)"
    }
    /// The legend of item `n`: « Membre 2 », or « Membres du bureau — élément 2 » without a noun.
    public func itemLegend(_ n: Int) -> String { namedItem == nil ? "\(label) — élément \(n)" : itemName(n) }
    private var namedItem: String? {
        itemNoun.map { $0.trimmingCharacters(in: .whitespaces) }.flatMap { $0.isEmpty ? nil : $0 }
    }

    public var effectiveMinItems: Int { Swift.max(minItems ?? 0, required ? 1 : 0) }
    public var effectiveMaxItems: Int { maxItems ?? 10 }
    public var effectiveDisplay: ChoiceDisplay { display ?? ((options?.count ?? 0) <= 5 ? .radio : .list) }
}

extension Field {
    /// What a file question takes, said before anything is chosen (« Formats acceptés : PDF, JPEG ; 8 Mo au plus
    /// par fichier. »), in the validator's own words and limits.
    public var fileRules: String {
        let kinds = effectiveAccept.map(\.label).joined(separator: ", ")
        let count = effectiveMaxFiles > 1 ? " ; \(effectiveMaxFiles) fichiers au plus" : ""
        return "Formats acceptés : \(kinds) ; \(Messages.size(effectiveMaxBytes)) au plus par fichier\(count)."
    }
}

/// When a date may fall, counted from the day in Lyon; today is always allowed.
public enum DateTiming: String, Sendable, Codable, CaseIterable {
    case past, future

    /// Said beside the field before anything is typed.
    public var hint: String { self == .past ? "Aujourd'hui au plus tard." : "Aujourd'hui au plus tôt." }
    public var refusal: String { self == .past ? "La date ne peut pas être dans le futur." : "La date ne peut pas être déjà passée." }

    /// Whether `day` (« 2026-12-01 ») fits, `today` being Lyon's.
    public func allows(_ day: String, today: CivilDate) -> Bool { self == .past ? day <= today.iso : day >= today.iso }
}
