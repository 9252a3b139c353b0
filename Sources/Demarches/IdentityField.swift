/// A piece of the civil identity FranceConnect vouches for (its identité pivot), that a démarche's question may
/// ask: the question is then filled from the account's verified identity and cannot be changed, as
/// FranceConnect's rules for service providers require.
public enum IdentityField: String, Sendable, Codable, CaseIterable {
    case givenName = "prenoms"
    case familyName = "nom_de_naissance"
    case birthdate = "date_de_naissance"
    /// The INSEE code of the commune of birth (empty for a birth abroad).
    case birthplace = "commune_de_naissance"
    /// The INSEE code of the country of birth (99100: France).
    case birthcountry = "pays_de_naissance"

    public var label: String {
        switch self {
        case .givenName: "prénoms"
        case .familyName: "nom de naissance"
        case .birthdate: "date de naissance"
        case .birthplace: "code INSEE de la commune de naissance"
        case .birthcountry: "code INSEE du pays de naissance"
        }
    }

    /// The type of question that receives it.
    public var fieldType: FieldType { self == .birthdate ? .date : .text }
}

extension FormDefinition {
    /// The questions that take a verified identity: their answers set to it, whatever was typed or posted (a
    /// read-only field is a browser's courtesy, not a guarantee). `identity` is empty for an account without one.
    public func withIdentity(_ values: [String: [String]], _ identity: [IdentityField: String]) -> [String: [String]] {
        var values = values
        for field in fields {
            guard let asked = field.identity, let value = identity[asked], !value.isEmpty else { continue }
            values[field.id] = [value]
        }
        return values
    }

    /// The ids of the questions an identity fills.
    public func identityFieldIDs(_ identity: [IdentityField: String]) -> Set<String> {
        Set(fields.compactMap { field in field.identity.flatMap { identity[$0]?.isEmpty == false ? field.id : nil } })
    }
}
