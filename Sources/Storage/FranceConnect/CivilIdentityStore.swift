import Foundation
import OpenIDConnect
import SQLKit

/// An account's civil identity: declared by its holder, or verified (given by FranceConnect, the account linked
/// to FranceConnect's subject for Guichet).
public struct CivilIdentity: Sendable, Equatable {
    public var pivot: PivotIdentity
    public var franceConnectSubject: String?
    public var verifiedAt: Date?
    public var isVerified: Bool { franceConnectSubject != nil }
}

private struct CivilIdentityRow: Decodable {
    var accountId: String
    var givenName: String, familyName: String, birthdate: String, gender: String, birthplace: String, birthcountry: String
    var franceconnectSub: String?
    var verifiedAt: Int64?

    var identity: CivilIdentity {
        CivilIdentity(pivot: PivotIdentity(givenName: givenName, familyName: familyName, birthdate: birthdate, gender: gender,
                                           birthplace: birthplace, birthcountry: birthcountry),
                      franceConnectSubject: franceconnectSub, verifiedAt: verifiedAt.map(Date.init(millis:)))
    }
}

extension Store {
    public func civilIdentity(accountID: String) async throws -> CivilIdentity? {
        try await Self.civilIdentity(accountID: accountID, on: sql)
    }

    private static func civilIdentity(accountID: String, on sql: any SQLDatabase) async throws -> CivilIdentity? {
        try await sql.raw("SELECT * FROM civil_identities WHERE account_id = \(bind: accountID)")
            .first(decoding: CivilIdentityRow.self, keyDecodingStrategy: .convertFromSnakeCase)?.identity
    }

    /// Records the identity the holder declares, so that their first FranceConnect sign-in finds the account.
    /// A verified identity is FranceConnect's to change: `.conflict("verified")`.
    public func declareCivilIdentity(accountID: String, _ pivot: PivotIdentity) async throws {
        let now = nowMillis
        try await write { sql in
            if try await Self.civilIdentity(accountID: accountID, on: sql)?.isVerified == true { throw StoreError.conflict("verified") }
            try await sql.raw("DELETE FROM civil_identities WHERE account_id = \(bind: accountID)").run()
            try await Self.insert(accountID: accountID, pivot, subject: nil, verifiedAt: nil, now: now, on: sql)
        }
    }

    /// Forgets a declared identity; a verified one goes with its link only (`unlinkFranceConnect`).
    public func removeDeclaredIdentity(accountID: String) async throws {
        try await write { sql in
            try await sql.raw("DELETE FROM civil_identities WHERE account_id = \(bind: accountID) AND franceconnect_sub IS NULL").run()
        }
    }

    /// What `AccountLinking` decides from: who holds this subject, this e-mail, these six fields.
    public func linkingSituation(for identity: FederatedIdentity, currentAccount: String?) async throws -> AccountLinking.Situation {
        let linked = try await sql.raw("SELECT account_id FROM civil_identities WHERE franceconnect_sub = \(bind: identity.subject)")
            .first(decodingColumn: "account_id", as: String.self)
        let matches = try await sql.raw("""
            SELECT * FROM civil_identities WHERE match_key = \(bind: identity.pivot.matchKey) AND franceconnect_sub IS NULL
            """).all(decoding: CivilIdentityRow.self, keyDecodingStrategy: .convertFromSnakeCase)
            .filter { $0.identity.pivot.sameSixFields(as: identity.pivot) }.map(\.accountId)
        var byEmail: String?
        if let email = identity.email { byEmail = try await account(email: email)?.id }
        var currentLinked = false
        if let currentAccount { currentLinked = try await civilIdentity(accountID: currentAccount)?.isVerified ?? false }
        return AccountLinking.Situation(linkedAccount: linked, currentAccount: currentAccount, currentAccountLinkedElsewhere: currentLinked,
                                        pivotMatches: matches, emailAccount: byEmail)
    }

    /// Links the account to the FranceConnect identity, which replaces whatever identity it declared.
    /// `.conflict("linked")` when the subject is another account's, or the account is linked to another subject.
    public func linkFranceConnect(accountID: String, _ identity: FederatedIdentity) async throws {
        let now = nowMillis
        try await write { sql in
            let holder = try await sql.raw("SELECT account_id FROM civil_identities WHERE franceconnect_sub = \(bind: identity.subject)")
                .first(decodingColumn: "account_id", as: String.self)
            let current = try await Self.civilIdentity(accountID: accountID, on: sql)
            if let holder, holder != accountID { throw StoreError.conflict("linked") }
            if let subject = current?.franceConnectSubject, subject != identity.subject { throw StoreError.conflict("linked") }
            try await sql.raw("DELETE FROM civil_identities WHERE account_id = \(bind: accountID)").run()
            try await Self.insert(accountID: accountID, identity.pivot, subject: identity.subject, verifiedAt: now, now: now, on: sql)
        }
    }

    /// Refreshes a linked account's identity with what FranceConnect says now (a civil registry correction).
    public func refreshFranceConnectIdentity(accountID: String, _ identity: FederatedIdentity) async throws {
        let now = nowMillis, pivot = identity.pivot
        try await write { sql in
            try await sql.raw("""
                UPDATE civil_identities SET given_name = \(bind: pivot.givenName), family_name = \(bind: pivot.familyName),
                    birthdate = \(bind: pivot.birthdate), gender = \(bind: pivot.gender), birthplace = \(bind: pivot.birthplace),
                    birthcountry = \(bind: pivot.birthcountry), match_key = \(bind: pivot.matchKey), verified_at = \(bind: now), updated_at = \(bind: now)
                WHERE account_id = \(bind: accountID) AND franceconnect_sub = \(bind: identity.subject)
                """).run()
        }
    }

    /// An account made from a FranceConnect identity, linked to it, in one transaction. It has no password (it
    /// signs in with FranceConnect until its holder chooses one) and its address is confirmed by the usual link.
    /// `.conflict("email")` when the address has an account, `.conflict("linked")` when the subject has one.
    public func createAccount(from identity: FederatedIdentity, email: String) async throws -> Account {
        let account = Account(id: newID(), email: email.lowercased(), name: identity.displayName, passwordHash: "", confirmedAt: nil,
                              sessionEpoch: 0, disabledAt: nil, createdAt: nowMillis, commune: nil)
        try await write { sql in
            if try await sql.raw("SELECT id FROM accounts WHERE email = \(bind: account.email)").first() != nil { throw StoreError.conflict("email") }
            if try await sql.raw("SELECT account_id FROM civil_identities WHERE franceconnect_sub = \(bind: identity.subject)").first() != nil {
                throw StoreError.conflict("linked")
            }
            try await sql.raw("""
                INSERT INTO accounts (id, email, name, password_hash, created_at)
                VALUES (\(bind: account.id), \(bind: account.email), \(bind: account.name), '', \(bind: account.createdAt))
                """).run()
            try await Self.insert(accountID: account.id, identity.pivot, subject: identity.subject, verifiedAt: account.createdAt,
                                  now: account.createdAt, on: sql)
        }
        return account
    }

    /// Ends the link, and forgets the identity FranceConnect gave (it is no longer vouched for).
    public func unlinkFranceConnect(accountID: String) async throws {
        try await write { sql in
            try await sql.raw("DELETE FROM civil_identities WHERE account_id = \(bind: accountID) AND franceconnect_sub IS NOT NULL").run()
        }
    }

    private static func insert(accountID: String, _ pivot: PivotIdentity, subject: String?, verifiedAt: Int64?, now: Int64,
                               on sql: any SQLDatabase) async throws {
        try await sql.raw("""
            INSERT INTO civil_identities (account_id, given_name, family_name, birthdate, gender, birthplace, birthcountry, match_key,
                franceconnect_sub, verified_at, updated_at)
            VALUES (\(bind: accountID), \(bind: pivot.givenName), \(bind: pivot.familyName), \(bind: pivot.birthdate), \(bind: pivot.gender),
                \(bind: pivot.birthplace), \(bind: pivot.birthcountry), \(bind: pivot.matchKey), \(bind: subject), \(bind: verifiedAt), \(bind: now))
            """).run()
    }
}
