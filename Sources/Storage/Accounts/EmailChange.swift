import Foundation
import Identity
import SQLKit

extension Store {
    /// A 24-hour link for `newEmail`, kept with the token (its `label`). Earlier links of the account for a change
    /// stop working: only the last address asked for can be confirmed.
    public func requestEmailChange(accountID: String, to newEmail: String) async throws -> String {
        let token = Secret.token(), now = nowMillis
        try await write { sql in
            try await sql.raw("DELETE FROM tokens WHERE account_id = \(bind: accountID) AND purpose = \(bind: TokenPurpose.changeEmail.rawValue)").run()
            try await Self.insertToken(token, accountID: accountID, purpose: .changeEmail, label: newEmail.lowercased(),
                                       expiresAt: now + 24 * 3_600_000, at: now, on: sql)
        }
        return token
    }

    /// Opens the link: the account's address becomes the one it was sent to (now proved), and the old one is
    /// returned, to be told. `.conflict("email")` when another account took the address meanwhile (nothing
    /// changes); nil for an unknown or expired link.
    public func confirmEmailChange(_ token: String) async throws -> (accountID: String, old: String, new: String)? {
        struct Row: Decodable { var account_id: String; var label: String?; var email: String }
        let hash = Secret.hash(token), now = nowMillis
        return try await write { sql in
            guard let row = try await sql.raw("""
                SELECT t.account_id, t.label, a.email FROM tokens t JOIN accounts a ON a.id = t.account_id
                WHERE t.hash = \(bind: hash) AND t.purpose = \(bind: TokenPurpose.changeEmail.rawValue) AND t.expires_at > \(bind: now)
                """).first(decoding: Row.self), let new = row.label else { return nil }
            try await sql.raw("DELETE FROM tokens WHERE hash = \(bind: hash)").run()
            if try await sql.raw("SELECT id FROM accounts WHERE email = \(bind: new) AND id <> \(bind: row.account_id)").first() != nil {
                throw StoreError.conflict("email")
            }
            try await sql.raw("UPDATE accounts SET email = \(bind: new), confirmed_at = \(bind: now) WHERE id = \(bind: row.account_id)").run()
            return (row.account_id, row.email, new)
        }
    }
}
