import Foundation
import OpenIDConnect
import SQLKit

/// An application a person let sign them in, for « Applications connectées ».
public struct ConnectedApplication: Sendable, Equatable {
    public var clientID: String
    public var name: String
    public var scopes: [String]
    public var grantedAt: Date
}

extension Store {
    /// The scopes `accountID` already let `clientID` have.
    public func consentedScopes(accountID: String, clientID: String) async throws -> Set<String> {
        try await Self.consentedScopes(accountID: accountID, clientID: clientID, on: sql)
    }

    private static func consentedScopes(accountID: String, clientID: String, on sql: any SQLDatabase) async throws -> Set<String> {
        guard let text = try await sql.raw("SELECT scopes FROM oidc_consents WHERE account_id = \(bind: accountID) AND client_id = \(bind: clientID)")
            .first(decodingColumn: "scopes", as: String.self) else { return [] }
        return Set(text.split(separator: " ").map(String.init))
    }

    /// Remembers a consent, adding to what was consented before (read in the same transaction, so two consents
    /// at once keep both).
    public func recordConsent(accountID: String, clientID: String, scopes: [String]) async throws {
        let now = nowMillis
        try await write { sql in
            let before = try await Self.consentedScopes(accountID: accountID, clientID: clientID, on: sql)
            let all = before.union(scopes).subtracting(["openid"]).sorted().joined(separator: " ")
            try await sql.raw("DELETE FROM oidc_consents WHERE account_id = \(bind: accountID) AND client_id = \(bind: clientID)").run()
            try await sql.raw("""
                INSERT INTO oidc_consents (account_id, client_id, scopes, granted_at) VALUES (\(bind: accountID), \(bind: clientID), \(bind: all), \(bind: now))
                """).run()
        }
    }

    /// The applications this person consented to, by name.
    public func connectedApplications(accountID: String) async throws -> [ConnectedApplication] {
        struct Row: Decodable { var clientId: String; var scopes: String; var grantedAt: Int64 }
        let rows = try await sql.raw("SELECT client_id, scopes, granted_at FROM oidc_consents WHERE account_id = \(bind: accountID)")
            .all(decoding: Row.self, keyDecodingStrategy: .convertFromSnakeCase)
        var result: [ConnectedApplication] = []
        for row in rows {
            guard let party = try await relyingParty(id: row.clientId) else { continue }
            result.append(ConnectedApplication(clientID: row.clientId, name: party.registration.name,
                                               scopes: row.scopes.split(separator: " ").map(String.init), grantedAt: Date(millis: row.grantedAt)))
        }
        return result.sorted { $0.name.lowercased() < $1.name.lowercased() }
    }

    /// Disconnects an application: its consent is withdrawn and every grant it holds for this person revoked, so
    /// its tokens stop working now and it must ask again; it is told so if it asked for back-channel logout.
    public func disconnectApplication(accountID: String, clientID: String) async throws {
        let now = nowMillis, parties = try await relyingParties()
        try await write { sql in
            try await sql.raw("DELETE FROM oidc_consents WHERE account_id = \(bind: accountID) AND client_id = \(bind: clientID)").run()
            let rows = try await sql.raw("""
                SELECT details FROM oidc_grants WHERE account_id = \(bind: accountID) AND client_id = \(bind: clientID) AND revoked_at IS NULL
                """).all(decodingColumn: "details", as: String.self)
            let grants = try rows.map { try fromJSON(TokenIssuer.Grant.self, $0) }
            for grant in grants { try await Self.revokeGrant(grant.id, at: now, on: sql) }
            try await Self.notifyLogout(grants, parties: parties, at: now, on: sql)
        }
    }

    /// What Guichet knows of an account, for claims.
    public func person(accountID: String) async throws -> Person? {
        guard let account = try await account(id: accountID), !account.isDisabled else { return nil }
        // Only a verified identity is given to applications: a declared one is the holder's word.
        let identity = try await civilIdentity(accountID: accountID)
        return Person(accountID: account.id, email: account.email, emailVerified: account.isConfirmed, name: account.name,
                      pivot: identity?.isVerified == true ? identity?.pivot : nil, updatedAt: Date(millis: account.createdAt))
    }

    /// The subject `client` knows the account by.
    public func subject(accountID: String, for client: RelyingParty) -> String {
        openIDState.subjects.subject(accountID: accountID, for: client)
    }
}
