import Foundation
import Identity
import SQLKit

/// What a typed second-factor code did.
public enum SecondFactorCheck: Sendable, Equatable {
    case accepted
    /// A recovery code, now spent; `left` remain.
    case recoveryCodeUsed(left: Int)
    /// The authenticator's code of a step already used: typed twice, or seen by someone else.
    case alreadyUsed
    case wrong
    case notEnabled
}

extension Store {
    public func hasSecondFactor(accountID: String) async throws -> Bool {
        try await sql.raw("SELECT account_id FROM second_factors WHERE account_id = \(bind: accountID)").first() != nil
    }

    /// Turns the second factor on with `key`, once the person typed a code of it (checked here); returns the
    /// recovery codes, shown this once. Nil when the code is not the key's (nothing is recorded).
    public func enableSecondFactor(accountID: String, key: TOTPKey, typed: String) async throws -> [String]? {
        let now = clock()
        guard let step = key.acceptedStep(typed, at: now, after: nil) else { return nil }
        let sealed = try secondFactorSeal.seal(key.key), codes = RecoveryCodes.generate(), hashes = codes.map(self.codes.hash)
        try await write { sql in
            if try await sql.raw("SELECT account_id FROM second_factors WHERE account_id = \(bind: accountID)").first() != nil {
                throw StoreError.conflict("second factor")
            }
            try await sql.raw("""
                INSERT INTO second_factors (account_id, sealed_key, last_step, enabled_at)
                VALUES (\(bind: accountID), \(bind: sealed), \(bind: step), \(bind: Self.millis(now)))
                """).run()
            try await Self.replaceRecoveryCodes(hashes, accountID: accountID, on: sql)
        }
        return codes
    }

    /// For the operator (the demo seed): the account's second factor set to `key`, without a code typed, unless
    /// it has one already. No recovery codes: the operator holds the key.
    public func installSecondFactor(accountID: String, key: TOTPKey) async throws {
        let sealed = try secondFactorSeal.seal(key.key), now = nowMillis
        try await write { sql in
            try await sql.raw("""
                INSERT INTO second_factors (account_id, sealed_key, last_step, enabled_at) VALUES (\(bind: accountID), \(bind: sealed), NULL, \(bind: now))
                ON CONFLICT (account_id) DO NOTHING
                """).run()
        }
    }

    /// Checks a code typed at sign-in: the authenticator's (each step good once, even for two requests at the
    /// same moment: the step is moved forward by a conditional update) or one of the recovery codes (spent).
    public func checkSecondFactor(accountID: String, typed: String) async throws -> SecondFactorCheck {
        struct Row: Decodable { var sealed_key: String; var last_step: Int64? }
        guard let row = try await sql.raw("SELECT sealed_key, last_step FROM second_factors WHERE account_id = \(bind: accountID)")
            .first(decoding: Row.self) else { return .notEnabled }
        // Sealed under another server secret (the operator changed it): void, to be set up again.
        guard let opened = try? secondFactorSeal.open(row.sealed_key) else {
            try await resetSecondFactor(accountID: accountID)
            return .notEnabled
        }
        let key = TOTPKey(key: opened)
        if RecoveryCodes.looksLikeOne(typed) {
            let hash = codes.hash(typed), now = nowMillis
            return try await write { sql in
                let spent = try await sql.raw("""
                    UPDATE recovery_codes SET used_at = \(bind: now) WHERE code_hash = \(bind: hash) AND account_id = \(bind: accountID) AND used_at IS NULL
                    RETURNING code_hash
                    """).all()
                guard !spent.isEmpty else { return .wrong }
                let left = try await sql.raw("SELECT COUNT(*) AS n FROM recovery_codes WHERE account_id = \(bind: accountID) AND used_at IS NULL")
                    .first(decoding: CountRow.self)?.n ?? 0
                return .recoveryCodeUsed(left: left)
            }
        }
        let now = clock()
        guard let step = key.acceptedStep(typed, at: now, after: nil) else { return .wrong }
        if let last = row.last_step, step <= last { return .alreadyUsed }
        return try await write { sql in
            let moved = try await sql.raw("""
                UPDATE second_factors SET last_step = \(bind: step)
                WHERE account_id = \(bind: accountID) AND (last_step IS NULL OR last_step < \(bind: step)) RETURNING account_id
                """).all()
            return moved.isEmpty ? .alreadyUsed : .accepted
        }
    }

    public func recoveryCodesLeft(accountID: String) async throws -> Int {
        try await sql.raw("SELECT COUNT(*) AS n FROM recovery_codes WHERE account_id = \(bind: accountID) AND used_at IS NULL")
            .first(decoding: CountRow.self)?.n ?? 0
    }

    /// New recovery codes; the earlier ones no longer work.
    public func regenerateRecoveryCodes(accountID: String) async throws -> [String] {
        let codes = RecoveryCodes.generate(), hashes = codes.map(self.codes.hash)
        try await write { sql in try await Self.replaceRecoveryCodes(hashes, accountID: accountID, on: sql) }
        return codes
    }

    /// Whether the account holds any back-office role today.
    public func secondFactorRequirement(accountID: String) async throws -> SecondFactorRequirement {
        SecondFactorRequirement(worksInABackOffice: try await Self.worksInABackOffice(accountID, on: sql))
    }

    /// The holder turns the second factor off: a citizen's choice, refused (`.conflict("agent")`) where it is
    /// mandatory.
    public func disableSecondFactor(accountID: String) async throws {
        try await write { sql in
            guard SecondFactorRequirement(worksInABackOffice: try await Self.worksInABackOffice(accountID, on: sql)).mayBeTurnedOff else {
                throw StoreError.conflict("agent")
            }
            try await Self.removeSecondFactor(accountID, on: sql)
        }
    }

    /// The operator removes it (a lost phone, `guichet second-factor reset`), whoever holds it: an agent is then
    /// asked to set up a new one at the back-office's door.
    public func resetSecondFactor(accountID: String) async throws {
        try await write { sql in try await Self.removeSecondFactor(accountID, on: sql) }
    }

    private static func removeSecondFactor(_ accountID: String, on sql: any SQLDatabase) async throws {
        try await sql.raw("DELETE FROM recovery_codes WHERE account_id = \(bind: accountID)").run()
        try await sql.raw("DELETE FROM second_factors WHERE account_id = \(bind: accountID)").run()
    }

    static func replaceRecoveryCodes(_ hashes: [String], accountID: String, on sql: any SQLDatabase) async throws {
        try await sql.raw("DELETE FROM recovery_codes WHERE account_id = \(bind: accountID)").run()
        try await insertRows(into: "recovery_codes", columns: ["code_hash", "account_id"], hashes.map { [$0, accountID] }, on: sql)
    }

    static func worksInABackOffice(_ accountID: String, on sql: any SQLDatabase) async throws -> Bool {
        try await sql.raw("SELECT account_id FROM agent_roles WHERE account_id = \(bind: accountID) LIMIT 1").first() != nil
    }

    private struct CountRow: Decodable { var n: Int }
}
