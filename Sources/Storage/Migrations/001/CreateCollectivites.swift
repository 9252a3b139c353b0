import FluentKit

struct CreateCollectivites: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema("collectivites")
            .field("slug", .string, .identifier(auto: false))
            .field("insee", .string).unique(on: "insee")
            .field("name", .string, .required)
            .field("kind", .string, .required)
            .field("membership", .string, .required)
            .field("request_prefix", .string, .required).unique(on: "request_prefix")
            .field("populations", .string, .required)
            .field("town_hall", .string)
            .field("boundary", .string)
            .create()
    }
    func revert(on db: any Database) async throws { try await db.schema("collectivites").delete() }
}
