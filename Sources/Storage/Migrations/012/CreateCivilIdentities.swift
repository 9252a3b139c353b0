import FluentKit

/// An account's civil identity (the six fields of FranceConnect's identité pivot): declared by the citizen, or
/// given by FranceConnect when the account is linked to it (`franceconnect_sub`, `verified_at`). `match_key` is
/// the six fields' digest, so the account a FranceConnect identity matches is found by an index.
struct CreateCivilIdentities: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema("civil_identities")
            .field("account_id", .string, .identifier(auto: false))
            .field("given_name", .string, .required)
            .field("family_name", .string, .required)
            .field("birthdate", .string, .required)
            .field("gender", .string, .required)
            .field("birthplace", .string, .required)
            .field("birthcountry", .string, .required)
            .field("match_key", .string, .required)
            .field("franceconnect_sub", .string)
            .millis("verified_at", required: false)
            .millis("updated_at")
            .unique(on: "franceconnect_sub")
            .create()
        try await createIndex(db, "civil_identities_match_key", on: "civil_identities", "match_key")
    }
    func revert(on db: any Database) async throws { try await db.schema("civil_identities").delete() }
}
