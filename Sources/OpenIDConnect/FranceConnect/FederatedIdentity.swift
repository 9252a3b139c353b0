import Foundation

/// Who FranceConnect says signed in: its subject for Guichet (stable per service provider), the identité pivot,
/// the e-mail and usage name its identity provider holds, and the ID token (the hint its logout needs).
public struct FederatedIdentity: Sendable, Codable, Equatable {
    public var subject: String
    public var pivot: PivotIdentity
    public var email: String?
    public var preferredUsername: String?
    public var idToken: String

    public init(subject: String, pivot: PivotIdentity, email: String?, preferredUsername: String?, idToken: String) {
        self.subject = subject; self.pivot = pivot; self.email = email; self.preferredUsername = preferredUsername; self.idToken = idToken
    }

    /// The name an account made from this identity carries: the first given name and the usage name, or the
    /// birth name when there is no usage name ("Angela DUBOIS").
    public var displayName: String {
        let first = pivot.givenName.split(separator: " ").first.map(String.init) ?? pivot.givenName
        let family = preferredUsername.flatMap { $0.isEmpty ? nil : $0 } ?? pivot.familyName
        return "\(first) \(family)"
    }
}

/// The checks on what FranceConnect's token and userinfo endpoints answer, once their signatures are verified
/// (`FederationKeys`): OpenID Connect Core §3.1.3.7 for the ID token, §5.3.2 for the userinfo answer.
public struct FederationChecks: Sendable {
    let settings: FranceConnectSettings
    /// Clocks differ by a little: `exp` and `iat` are read with this much slack.
    static let leeway: Int64 = 60

    public init(settings: FranceConnectSettings) { self.settings = settings }

    /// The ID token's subject, once it is FranceConnect's, for Guichet, for this attempt, at eIDAS level 1 or more,
    /// and current.
    public func subject(ofIDToken claims: ClaimSet, nonce: String, now: Date) -> Result<String, FederationFailure> {
        let time = Int64(now.timeIntervalSince1970)
        guard claims["iss"]?.string == settings.issuer else { return .failure(.invalidIDToken("iss")) }
        guard let audience = claims["aud"]?.strings, audience.contains(settings.clientID) else { return .failure(.invalidIDToken("aud")) }
        if audience.count > 1, claims["azp"]?.string != settings.clientID { return .failure(.invalidIDToken("azp")) }
        guard let exp = claims["exp"]?.int, exp + Self.leeway > time else { return .failure(.invalidIDToken("exp")) }
        guard let iat = claims["iat"]?.int, iat - Self.leeway <= time else { return .failure(.invalidIDToken("iat")) }
        guard let returned = claims["nonce"]?.string, constantTimeEqual(returned, nonce) else { return .failure(.invalidIDToken("nonce")) }
        guard let acr = claims["acr"]?.string, FranceConnectSettings.acceptedACRs.contains(acr) else { return .failure(.invalidIDToken("acr")) }
        guard let subject = claims["sub"]?.string, (1...255).contains(subject.utf8.count) else { return .failure(.invalidIDToken("sub")) }
        return .success(subject)
    }

    /// The identity the userinfo answer (a signed JWT) gives, when it is FranceConnect's, for Guichet and about the
    /// ID token's subject, and holds the six pivot fields in their formats.
    public func identity(ofUserInfo claims: ClaimSet, subject: String, idToken: String) -> Result<FederatedIdentity, FederationFailure> {
        guard claims["sub"]?.string == subject else { return .failure(.invalidUserInfo("sub")) }
        if let issuer = claims["iss"]?.string, issuer != settings.issuer { return .failure(.invalidUserInfo("iss")) }
        if let audience = claims["aud"]?.strings, !audience.contains(settings.clientID) { return .failure(.invalidUserInfo("aud")) }
        func text(_ name: String, _ limit: Int = 255) -> String? {
            claims[name]?.string.map { $0.trimmingCharacters(in: .whitespaces) }.flatMap { $0.utf8.count <= limit ? $0 : nil }
        }
        guard let given = text("given_name"), !given.isEmpty, let family = text("family_name"), !family.isEmpty,
              let birthdate = text("birthdate"), Self.isDate(birthdate), let gender = text("gender"), ["male", "female"].contains(gender),
              let birthcountry = text("birthcountry"), Self.isINSEECode(birthcountry) else { return .failure(.incompleteIdentity) }
        // Born in France: the commune's code; born abroad: none (FranceConnect sends an empty string).
        let birthplace = text("birthplace") ?? ""
        guard birthplace.isEmpty ? birthcountry != "99100" : Self.isINSEECode(birthplace) else { return .failure(.incompleteIdentity) }
        let pivot = PivotIdentity(givenName: given, familyName: family, birthdate: birthdate, gender: gender, birthplace: birthplace, birthcountry: birthcountry)
        let email = text("email", 254).map { $0.lowercased() }
        return .success(FederatedIdentity(subject: subject, pivot: pivot, email: email, preferredUsername: text("preferred_username"), idToken: idToken))
    }

    static func isDate(_ text: String) -> Bool {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
              let year = Int(parts[0]), let month = Int(parts[1]), let day = Int(parts[2]) else { return false }
        return (1850...2200).contains(year) && (1...12).contains(month) && (1...31).contains(day)
    }

    /// The Code officiel géographique: five characters, digits except Corsica's 2A/2B.
    static func isINSEECode(_ text: String) -> Bool {
        text.utf8.count == 5 && text.uppercased().enumerated().allSatisfy { index, char in
            char.isASCII && (char.isNumber || (index == 1 && (char == "A" || char == "B")))
        }
    }
}
