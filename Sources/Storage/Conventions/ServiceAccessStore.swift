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
        return ServiceAccess.decide(communes: communes, conventions: try await conventions(of: communes), service: service,
                                    on: Self.lyonDay(clock()).iso)
    }

    /// The conventions of a few communes, with their memberships.
    func conventions(of communes: [String]) async throws -> [String: ConventionCadre] {
        struct ConventionRow: Decodable { var insee: String; var signed: String; var start: String; var ended: String? }
        struct ServiceRow: Decodable { var insee: String; var service: String; var offer: String?; var start: String; var end: String? }
        var conventions: [String: ConventionCadre] = [:]
        for insee in communes {
            guard let c = try await sql.raw("SELECT insee, signed, start, ended FROM conventions WHERE insee = \(bind: insee)")
                .first(decoding: ConventionRow.self) else { continue }
            let services = try await sql.raw(#"SELECT insee, service, offer, start, "end" FROM convention_memberships WHERE insee = "# + "\(bind: insee) ORDER BY start")
                .all(decoding: ServiceRow.self)
            conventions[insee] = ConventionCadre(commune: insee, signed: c.signed, start: c.start, services: services.map {
                .init(serviceID: $0.service, offer: $0.offer.flatMap(Offer.init(rawValue:)), start: $0.start, end: $0.end)
            }, ended: c.ended)
        }
        return conventions
    }
}
