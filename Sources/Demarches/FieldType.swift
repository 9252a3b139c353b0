import Expressions

/// What a field asks for. The raw values name the JSON `type` authors write; new types are added at the end of a
/// group so existing definitions keep their meaning.
public enum FieldType: String, Sendable, Codable, CaseIterable {
    // Free input.
    case text, longText = "long_text", email, phone, number, date
    case dateRange = "date_range", timeRange = "time_range"
    // Choices.
    case singleChoice = "single_choice", multipleChoice = "multiple_choice", rankedChoice = "ranked_choice", checkbox
    // Places and documents.
    case address, mapPoint = "map_point", file, table, block, image
    // French identifiers, checked with their keys (see `FrenchIdentifier`).
    case siret, siren, nir, iban, postcode, rna, antsPreApplication = "ants_predemande"
    // No input from the citizen.
    case computed
    // Structure: they hold no value.
    case page, section, comment

    /// Page breaks, section titles and explanatory text shape the form but hold no answer.
    public var isStructural: Bool { self == .page || self == .section || self == .comment }

    /// Whether the citizen types or picks this value (a computed field is worked out, structure holds nothing).
    public var isInput: Bool { !isStructural && self != .computed }

    /// Files and images (photos): uploaded, checked by content, stored in the vault.
    public var holdsFiles: Bool { self == .file || self == .image }

    /// The questions a repeatable block may hold: one value each, read from one posted key.
    public var fitsInBlock: Bool {
        switch self {
        case .text, .longText, .email, .phone, .number, .date, .checkbox, .singleChoice,
             .siret, .siren, .nir, .iban, .postcode, .rna, .antsPreApplication: true
        default: false
        }
    }

    /// The type an expression sees for this field's answer; computed fields take their expression's type
    /// (see `FormLogic`). Date and time ranges are seen through `<id>_debut` and `<id>_fin`.
    var expressionType: ValueType? {
        switch self {
        case .text, .longText, .email, .phone, .singleChoice, .address, .mapPoint,
             .siret, .siren, .nir, .iban, .postcode, .rna, .antsPreApplication: .text
        case .number: .number
        case .date: .date
        case .checkbox: .bool
        case .multipleChoice, .rankedChoice, .file, .table, .block, .image: .list
        case .dateRange, .timeRange, .computed, .page, .section, .comment: nil
        }
    }

    /// For a range, the two names an expression uses for its ends and their type.
    var rangeEnds: ValueType? {
        switch self {
        case .dateRange: .date
        case .timeRange: .text
        default: nil
        }
    }

    /// The French identifier check for identifier types.
    var identifier: (@Sendable (String) -> String?)? {
        switch self {
        case .siret: FrenchIdentifier.siret
        case .siren: FrenchIdentifier.siren
        case .nir: FrenchIdentifier.nir
        case .iban: FrenchIdentifier.iban
        case .postcode: FrenchIdentifier.postcode
        case .rna: FrenchIdentifier.rna
        case .antsPreApplication: FrenchIdentifier.antsPreApplication
        default: nil
        }
    }
}

/// How a single choice is drawn: radio buttons (default up to 5 options), a drop-down list, or a text box that
/// suggests the options as one types (for long lists: streets, schools).
public enum ChoiceDisplay: String, Sendable, Codable {
    case radio, list, autocomplete
}

/// A page's check before the citizen moves on: when `condition` does not hold, `message` is shown.
public struct PostCondition: Sendable, Codable, Equatable {
    public var condition: String
    public var message: String
    public init(condition: String, message: String) { self.condition = condition; self.message = message }
}
