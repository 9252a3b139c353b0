import Conventions
import Foundation
import SQLKit

extension Store {
    /// Records the commune the account holder lives in (an INSEE code of the territory), or forgets it.
    public func setCommune(accountID: String, insee: String?) async throws {
        try await write { sql in
            try await sql.raw("UPDATE accounts SET commune = \(bind: insee) WHERE id = \(bind: accountID)").run()
        }
    }

    /// Whether the account may use `service` today (in Lyon), by the conventions of its communes: where its
    /// holder lives, then those it is an agent of.
    public func serviceAccess(accountID: String, service: String) async throws -> ServiceAccess {
        guard let account = try await account(id: accountID) else { return .noCommune }
        let worksFor = try await sql.raw("""
            SELECT DISTINCT c.insee FROM agent_roles r JOIN collectivites c ON c.slug = r.collectivite
            WHERE r.account_id = \(bind: accountID) AND c.insee IS NOT NULL
            """).all(decodingColumn: "insee", as: String.self).sorted()
        var communes = account.commune.map { [$0] } ?? []
        communes += worksFor.filter { !communes.contains($0) }
        return ServiceAccess.decide(communes: communes, conventions: try await Self.conventionCadres(of: communes, on: sql), service: service,
                                    on: Self.lyonDay(clock()).iso)
    }
}
