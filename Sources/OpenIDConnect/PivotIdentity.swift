import Foundation

/// FranceConnect's « identité pivot »: the six fields the State's identity providers vouch for. `birthplace` is
/// the INSEE code of the commune of birth (empty for people born abroad), `birthcountry` the INSEE code of the
/// country (99100 for France); `birthdate` is `YYYY-MM-DD`, `gender` `male` or `female`.
public struct PivotIdentity: Sendable, Equatable, Codable {
    public var givenName: String
    public var familyName: String
    public var birthdate: String
    public var gender: String
    public var birthplace: String
    public var birthcountry: String

    public init(givenName: String, familyName: String, birthdate: String, gender: String, birthplace: String, birthcountry: String) {
        self.givenName = givenName; self.familyName = familyName; self.birthdate = birthdate; self.gender = gender
        self.birthplace = birthplace; self.birthcountry = birthcountry
    }

    /// Whether both name the same person field for field: names compared without case or accents (FranceConnect
    /// sends them as the civil registry writes them, a local account's holder may have typed them otherwise), the
    /// other four exactly.
    public func sameSixFields(as other: PivotIdentity) -> Bool {
        Self.fold(givenName) == Self.fold(other.givenName) && Self.fold(familyName) == Self.fold(other.familyName)
            && birthdate == other.birthdate && gender == other.gender && birthplace == other.birthplace && birthcountry == other.birthcountry
    }

    static func fold(_ text: String) -> String {
        text.folding(options: [.caseInsensitive, .diacriticInsensitive], locale: Locale(identifier: "fr_FR"))
            .split(whereSeparator: { $0 == " " || $0 == "-" || $0 == "'" }).joined(separator: " ")
    }
}
