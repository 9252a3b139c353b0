import Foundation
import Identity
import OpenIDConnect
import SQLKit

extension Store {
    /// Deletes a citizen's account in one transaction. What it opened ends: sessions, and every application's
    /// grant (back-channel logout to those that asked); what it held goes: consents, identity, second factor,
    /// links and drafts. Its requests are administrative records: they stay, no longer linked to an account, until
    /// their démarche's own anonymisation. The security journal stays its year (it says « compte supprimé »).
    /// An agent's account is refused (`.conflict("agent")`): their collectivité's admin removes their roles first.
    public func deleteAccount(accountID: String, journal event: SecurityEvent? = nil) async throws {
        let now = nowMillis, parties = try await relyingParties()
        try await write { sql in
            if try await Self.worksInABackOffice(accountID, on: sql) { throw StoreError.conflict("agent") }
            let rows = try await sql.raw("""
                SELECT details FROM oidc_grants WHERE account_id = \(bind: accountID) AND revoked_at IS NULL AND expires_at > \(bind: now)
                """).all(decodingColumn: "details", as: String.self)
            let grants = try rows.map { try fromJSON(TokenIssuer.Grant.self, $0) }
            for grant in grants { try await Self.revokeGrant(grant.id, at: now, on: sql) }
            try await Self.notifyLogout(grants, parties: parties, at: now, on: sql)
            // The notices are queued with what they need: nothing of the grants has to stay.
            for statement: SQLQueryString in [
                "DELETE FROM oidc_codes WHERE grant_id IN (SELECT id FROM oidc_grants WHERE account_id = \(bind: accountID))",
                "DELETE FROM oidc_refresh_tokens WHERE grant_id IN (SELECT id FROM oidc_grants WHERE account_id = \(bind: accountID))",
                "DELETE FROM oidc_grants WHERE account_id = \(bind: accountID)",
                "DELETE FROM oidc_consents WHERE account_id = \(bind: accountID)",
                "DELETE FROM sessions WHERE account_id = \(bind: accountID)",
                "DELETE FROM civil_identities WHERE account_id = \(bind: accountID)",
                "DELETE FROM recovery_codes WHERE account_id = \(bind: accountID)",
                "DELETE FROM second_factors WHERE account_id = \(bind: accountID)",
                "DELETE FROM tokens WHERE account_id = \(bind: accountID)",
                "DELETE FROM form_drafts WHERE account_id = \(bind: accountID)",
                "UPDATE demandes SET account_id = NULL WHERE account_id = \(bind: accountID)",
                "UPDATE demande_events SET actor_id = NULL WHERE actor_id = \(bind: accountID) AND actor_kind = 'citizen'",
                "DELETE FROM accounts WHERE id = \(bind: accountID)",
            ] { try await sql.raw(statement).run() }
            if let event { try await Self.insert(event, on: sql) }
        }
    }
}
