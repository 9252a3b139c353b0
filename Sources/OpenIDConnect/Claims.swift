import Foundation
import JWTKit

/// A claim's value as JSON carries it: the claims Guichet issues are strings, numbers, booleans, lists of strings
/// and flat objects (the address, the logout event).
public enum ClaimValue: Sendable, Equatable, Codable {
    case string(String)
    case int(Int64)
    case bool(Bool)
    case strings([String])
    case object([String: ClaimValue])

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let value = try? container.decode(Bool.self) { self = .bool(value) }
        else if let value = try? container.decode(Int64.self) { self = .int(value) }
        else if let value = try? container.decode(Double.self) { self = .int(Int64(exactly: value.rounded(.down)) ?? 0) }
        else if let value = try? container.decode(String.self) { self = .string(value) }
        else if let value = try? container.decode([String].self) { self = .strings(value) }
        else { self = .object(try container.decode([String: ClaimValue].self)) }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .string(let value): try container.encode(value)
        case .int(let value): try container.encode(value)
        case .bool(let value): try container.encode(value)
        case .strings(let value): try container.encode(value)
        case .object(let value): try container.encode(value)
        }
    }

    public var string: String? { if case .string(let value) = self { value } else { nil } }
    public var int: Int64? { if case .int(let value) = self { value } else { nil } }
    /// `aud` may be one string or a list.
    public var strings: [String]? {
        switch self {
        case .strings(let value): value
        case .string(let value): [value]
        default: nil
        }
    }
}

/// The claims of a token, as one flat JSON object: what JWTKit signs and what it reads back. The checks that
/// matter (issuer, audience, expiry, type) are made by whoever reads it (`TokenIssuer.accessToken(_:)`), with the
/// clock it is given; the signature is JWTKit's.
public struct ClaimSet: JWTPayload, Equatable {
    public var claims: [String: ClaimValue]

    public init(_ claims: [String: ClaimValue] = [:]) { self.claims = claims }

    public init(from decoder: any Decoder) throws {
        claims = try decoder.singleValueContainer().decode([String: ClaimValue].self)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(claims)
    }

    public func verify(using algorithm: some JWTAlgorithm) async throws {}

    public subscript(_ name: String) -> ClaimValue? {
        get { claims[name] }
        set { claims[name] = newValue }
    }
}

/// What Guichet knows of a person, from which the claims an application asked for are drawn.
public struct Person: Sendable, Equatable {
    public var accountID: String
    public var email: String
    public var emailVerified: Bool
    public var name: String
    public var phone: String?
    public var address: PostalAddress?
    /// The identity FranceConnect vouched for, when the account is linked to one.
    public var pivot: PivotIdentity?
    public var updatedAt: Date

    public init(accountID: String, email: String, emailVerified: Bool, name: String, phone: String? = nil,
                address: PostalAddress? = nil, pivot: PivotIdentity? = nil, updatedAt: Date) {
        self.accountID = accountID; self.email = email; self.emailVerified = emailVerified; self.name = name
        self.phone = phone; self.address = address; self.pivot = pivot; self.updatedAt = updatedAt
    }

    /// How far the identity was checked: `franceconnect` when FranceConnect vouched for it, else `local` (only the
    /// e-mail address was proved).
    public var identityLevel: String { pivot == nil ? "local" : "franceconnect" }
}

/// A postal address as the OpenID Connect `address` claim carries it.
public struct PostalAddress: Sendable, Equatable, Codable {
    public var streetAddress: String
    public var postalCode: String
    public var locality: String
    public var country: String

    public init(streetAddress: String, postalCode: String, locality: String, country: String = "France") {
        self.streetAddress = streetAddress; self.postalCode = postalCode; self.locality = locality; self.country = country
    }
}

/// The scopes an application may ask for, and the claims each one releases.
public enum Scope {
    public static let supported = ["openid", "profile", "email", "phone", "address", "identite_pivot", "offline_access"]

    /// The claims released for `scopes`, about `person`, under `subject` (public or pairwise). A claim the account
    /// does not hold is left out, never sent empty.
    public static func claims(of person: Person, subject: String, scopes: Set<String>) -> [String: ClaimValue] {
        var claims: [String: ClaimValue] = ["sub": .string(subject), "identity_level": .string(person.identityLevel)]
        if scopes.contains("profile") {
            claims["name"] = .string(person.pivot.map { "\($0.givenName) \($0.familyName)" } ?? person.name)
            if let pivot = person.pivot {
                claims["given_name"] = .string(pivot.givenName)
                claims["family_name"] = .string(pivot.familyName)
            }
            claims["updated_at"] = .int(Int64(person.updatedAt.timeIntervalSince1970))
        }
        if scopes.contains("email") {
            claims["email"] = .string(person.email)
            claims["email_verified"] = .bool(person.emailVerified)
        }
        if scopes.contains("phone"), let phone = person.phone {
            claims["phone_number"] = .string(phone)
            claims["phone_number_verified"] = .bool(false)
        }
        if scopes.contains("address"), let address = person.address {
            claims["address"] = .object([
                "street_address": .string(address.streetAddress), "postal_code": .string(address.postalCode),
                "locality": .string(address.locality), "country": .string(address.country),
                "formatted": .string("\(address.streetAddress)\n\(address.postalCode) \(address.locality)\n\(address.country)"),
            ])
        }
        if scopes.contains("identite_pivot"), let pivot = person.pivot {
            claims["given_name"] = .string(pivot.givenName)
            claims["family_name"] = .string(pivot.familyName)
            claims["birthdate"] = .string(pivot.birthdate)
            claims["gender"] = .string(pivot.gender)
            claims["birthplace"] = .string(pivot.birthplace)
            claims["birthcountry"] = .string(pivot.birthcountry)
        }
        return claims
    }

    /// French wording of what each scope shares, for the consent page.
    public static func description(_ scope: String) -> String? {
        switch scope {
        case "profile": "votre nom"
        case "email": "votre adresse e-mail"
        case "phone": "votre numéro de téléphone"
        case "address": "votre adresse postale"
        case "identite_pivot": "votre identité vérifiée par FranceConnect (nom, prénoms, date et lieu de naissance, sexe)"
        case "offline_access": "un accès à ces informations quand vous n'êtes pas connecté(e)"
        default: nil
        }
    }
}
