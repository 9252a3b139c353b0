import FluentKit

/// The second factor of an account (mandatory for agents): its TOTP key sealed with the server's secret, the last
/// step a code was accepted for (a code is good once), and its recovery codes, keyed-hashed, each used once.
struct CreateSecondFactors: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema("second_factors")
            .field("account_id", .string, .identifier(auto: false))
            .field("sealed_key", .string, .required)
            .field("last_step", .int64)
            .millis("enabled_at")
            .create()
        try await db.schema("recovery_codes")
            .field("code_hash", .string, .identifier(auto: false))
            .field("account_id", .string, .required)
            .millis("used_at", required: false)
            .create()
        try await createIndex(db, "recovery_codes_account", on: "recovery_codes", "account_id")
    }
    func revert(on db: any Database) async throws {
        try await db.schema("recovery_codes").delete()
        try await db.schema("second_factors").delete()
    }
}
