import Foundation
import Routing
import SQLKit

extension Store {
    /// The categories of competence, in the admins' order.
    public func competenceCategories() async throws -> [CompetenceCategory] {
        try await Self.competenceCategories(on: sql)
    }

    static func competenceCategories(on sql: any SQLDatabase) async throws -> [CompetenceCategory] {
        struct Row: Decodable {
            var id: String; var label: String; var level: String; var service: String?; var exceptions: String; var relayAddresses: String
        }
        return try await sql.raw("SELECT id, label, level, service, exceptions, relay_addresses FROM competence_categories ORDER BY position, id")
            .all(decoding: Row.self, keyDecodingStrategy: .convertFromSnakeCase).map { row in
                let exceptions = (try? fromJSON([String: String].self, row.exceptions)) ?? [:]
                return CompetenceCategory(id: row.id, label: row.label, level: CompetenceLevel(rawValue: row.level) ?? .metropole,
                                          service: row.service, exceptions: exceptions.compactMapValues(CompetenceLevel.init(rawValue:)),
                                          relayAddresses: (try? fromJSON([String: String].self, row.relayAddresses)) ?? [:])
            }
    }

    /// Adds or replaces a category (by id); a new one goes last. The Métropole's admins only.
    public func saveCompetenceCategory(_ category: CompetenceCategory, in scope: TenantScope) async throws {
        try scope.requirePlatform()
        let exceptions = try jsonText(category.exceptions.mapValues(\.rawValue)), relayAddresses = try jsonText(category.relayAddresses)
        try await write { sql in
            let last = try await sql.raw("SELECT MAX(position) AS p FROM competence_categories").first(decodingColumn: "p", as: Int?.self) ?? nil
            try await sql.raw("""
                INSERT INTO competence_categories (id, label, level, service, exceptions, relay_addresses, position)
                VALUES (\(bind: category.id), \(bind: category.label), \(bind: category.level.rawValue), \(bind: category.service),
                        \(bind: exceptions), \(bind: relayAddresses), \(bind: (last ?? -1) + 1))
                ON CONFLICT (id) DO UPDATE SET label = excluded.label, level = excluded.level, service = excluded.service,
                    exceptions = excluded.exceptions, relay_addresses = excluded.relay_addresses
                """).run()
        }
        routingState.router.invalidateAll()
    }

    /// The ordered routing rules.
    public func routingRules() async throws -> [RoutingRule] {
        try await Self.routingRules(on: sql)
    }

    static func routingRules(on sql: any SQLDatabase) async throws -> [RoutingRule] {
        try await sql.raw("SELECT rule FROM routing_rules ORDER BY position").all(decodingColumn: "rule", as: String.self)
            .map { try fromJSON(RoutingRule.self, $0) }
    }

    /// Replaces the rules with `rules`, in that order, in one transaction. The Métropole's admins only.
    public func saveRoutingRules(_ rules: [RoutingRule], in scope: TenantScope) async throws {
        try scope.requirePlatform()
        let texts = try rules.map(jsonText)
        try await write { sql in
            try await sql.raw("DELETE FROM routing_rules").run()
            try await Self.insertRows(into: "routing_rules", columns: ["position", "rule"],
                                      texts.enumerated().map { [$0.offset, $0.element] }, on: sql)
        }
        routingState.router.invalidateAll()
    }

    /// The router of the current categories, rules and territory; built once and kept until one of them changes.
    public func router() async throws -> Router {
        try await routingState.router.value(tenant: "*") {
            let territory = try await collectivites()
            return Router(territory: territory, map: TerritoryMap(territory), categories: try await competenceCategories(),
                          rules: try await routingRules())
        }
    }
}
