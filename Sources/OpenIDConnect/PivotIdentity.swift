import Crypto
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

    /// A digest of the six fields as `sameSixFields` compares them, so accounts that declared this identity are
    /// found by an index rather than by reading every identity.
    public var matchKey: String {
        let text = [Self.fold(givenName), Self.fold(familyName), birthdate, gender, birthplace, birthcountry].joined(separator: "|")
        return SHA256.hash(data: Data(text.utf8)).map { String(format: "%02x", $0) }.joined()
    }

    /// The identity a citizen declares on their account (to be recognised when they first come with
    /// FranceConnect), checked field by field with what to correct, in French, keyed by field.
    public static func declared(givenName: String, familyName: String, birthdate: String, gender: String, birthplace: String,
                                birthcountry: String) -> Result<PivotIdentity, FieldErrors> {
        let trimmed = [givenName, familyName, birthdate, gender, birthplace, birthcountry].map { $0.trimmingCharacters(in: .whitespaces) }
        var errors: [String: String] = [:]
        if trimmed[0].isEmpty || trimmed[0].count > 200 { errors["given_name"] = "Saisissez vos prénoms, tous, dans l'ordre de l'état civil." }
        if trimmed[1].isEmpty || trimmed[1].count > 200 { errors["family_name"] = "Saisissez votre nom de naissance." }
        if !FederationChecks.isDate(trimmed[2]) { errors["birthdate"] = "Saisissez votre date de naissance, par exemple 1962-08-24." }
        if !["male", "female"].contains(trimmed[3]) { errors["gender"] = "Choisissez une réponse." }
        let country = trimmed[5].uppercased(), place = trimmed[4].uppercased()
        if !FederationChecks.isINSEECode(country) { errors["birthcountry"] = "Saisissez le code INSEE du pays de naissance : 99100 pour la France." }
        if country == "99100" && !FederationChecks.isINSEECode(place) {
            errors["birthplace"] = "Né·e en France : saisissez le code INSEE de la commune de naissance (5 caractères, par exemple 69123 pour Lyon)."
        } else if country != "99100" && !place.isEmpty {
            errors["birthplace"] = "Né·e à l'étranger : laissez la commune vide."
        }
        guard errors.isEmpty else { return .failure(FieldErrors(fields: errors)) }
        return .success(PivotIdentity(givenName: trimmed[0], familyName: trimmed[1], birthdate: trimmed[2], gender: trimmed[3],
                                      birthplace: place, birthcountry: country))
    }

    static func fold(_ text: String) -> String {
        text.folding(options: [.caseInsensitive, .diacriticInsensitive], locale: Locale(identifier: "fr_FR"))
            .split(whereSeparator: { $0 == " " || $0 == "-" || $0 == "'" }).joined(separator: " ")
    }
}

/// What to correct in a form, in French, keyed by field.
public struct FieldErrors: Error, Equatable, Sendable {
    public var fields: [String: String]
}
