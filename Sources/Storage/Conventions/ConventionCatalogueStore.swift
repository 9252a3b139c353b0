import Conventions
import Foundation
import SQLKit

/// The catalogue of shared services, the changes the Métropole's admins make (saved exactly as the what-if
/// compared them), and the operating costs of the 50 % rule.
extension Store {
    /// The catalogue, in the order services were added.
    public func sharedServices() async throws -> [SharedService] { try await Self.sharedServices(on: sql) }

    static func sharedServices(on sql: any SQLDatabase) async throws -> [SharedService] {
        struct ServiceRow: Decodable { var id: String; var name: String; var annex: String; var open_offers: String }
        struct PricingRow: Decodable { var service: String; var offer: String; var from_year: Int; var kind: String; var fixed: String; var rate: String; var rule: String }
        var schedules: [String: [PricingEntry]] = [:]
        for p in try await sql.raw("SELECT service, offer, from_year, kind, fixed, rate, rule FROM service_pricings ORDER BY service, offer, from_year")
            .all(decoding: PricingRow.self) {
            let fixed = Decimal(string: p.fixed) ?? 0, rate = Decimal(string: p.rate) ?? 0
            let pricing: Pricing = switch p.kind {
            case "per_inhabitant": .perInhabitant(fixed: fixed, rate: rate)
            case "derogatory": .derogatory(amount: fixed, rule: p.rule)
            default: .free
            }
            schedules[p.service, default: []].append(PricingEntry(offer: Offer(rawValue: p.offer), fromYear: p.from_year, pricing: pricing))
        }
        return try await sql.raw("SELECT id, name, annex, open_offers FROM shared_services ORDER BY position").all(decoding: ServiceRow.self).map { r in
            SharedService(id: r.id, name: r.name, annex: r.annex, schedule: schedules[r.id] ?? [],
                          openOffers: Set(r.open_offers.split(separator: ",").compactMap { Offer(rawValue: String($0)) }))
        }
    }

    static func insertService(_ service: SharedService, position: Int, on sql: any SQLDatabase) async throws {
        let offers = Offer.allCases.filter(service.openOffers.contains).map(\.rawValue).joined(separator: ",")
        try await sql.raw("""
            INSERT INTO shared_services (id, name, annex, open_offers, position)
            VALUES (\(bind: service.id), \(bind: service.name), \(bind: service.annex), \(bind: offers), \(bind: position))
            """).run()
        try await insertPricings(of: service, on: sql)
    }

    static func insertPricings(of service: SharedService, on sql: any SQLDatabase) async throws {
        try await insertRows(into: "service_pricings", columns: ["service", "offer", "from_year", "kind", "fixed", "rate", "rule"], service.schedule.map { e in
            let (kind, fixed, rate, rule): (String, Decimal, Decimal, String) = switch e.pricing {
            case .free: ("free", 0, 0, "")
            case .perInhabitant(let f, let r): ("per_inhabitant", f, r, "")
            case .derogatory(let amount, let rule): ("derogatory", amount, 0, rule)
            }
            return [service.id, e.offer?.rawValue ?? "", e.fromYear, kind, "\(fixed)", "\(rate)", rule] as [any Encodable & Sendable]
        }, on: sql)
    }

    /// Makes `change` and returns the inputs before and after it. The inputs are read inside the writing
    /// transaction, so what is saved is the change applied to what is stored, not to what a page showed earlier.
    @discardableResult
    public func apply(_ change: ConventionChange, by author: String, in scope: TenantScope) async throws -> (before: ContributionsReport.Inputs, after: ContributionsReport.Inputs) {
        try scope.requirePlatform()
        let names = try await communeNames()
        let now = nowMillis
        return try await write { sql in
            // Lock first what the change rewrites: on PostgreSQL a concurrent change of the same convention or
            // service waits for this one and then reads its result, instead of overwriting it (SQLite's writes
            // are serialised already).
            if let insee = change.insee { try await sql.raw("UPDATE conventions SET signed = signed WHERE insee = \(bind: insee)").run() }
            if let id = change.catalogueServiceID { try await sql.raw("UPDATE shared_services SET name = name WHERE id = \(bind: id)").run() }
            let before = try await Self.contributionInputs(partialYear: .daily, names: names, on: sql)
            let after = try before.applying(change)
            if let id = change.catalogueServiceID, let service = after.services.first(where: { $0.id == id }) {
                if before.services.contains(where: { $0.id == id }) {
                    // Updated in place: deleting the row would take its operating costs with it.
                    let offers = Offer.allCases.filter(service.openOffers.contains).map(\.rawValue).joined(separator: ",")
                    try await sql.raw("UPDATE shared_services SET open_offers = \(bind: offers) WHERE id = \(bind: id)").run()
                    try await sql.raw("DELETE FROM service_pricings WHERE service = \(bind: id)").run()
                    try await Self.insertPricings(of: service, on: sql)
                } else {
                    try await Self.insertService(service, position: after.services.count - 1, on: sql)
                }
            }
            if case .setEarlierAmount(let insee, let id, _) = change {
                try await sql.raw("DELETE FROM earlier_amounts WHERE insee = \(bind: insee) AND service = \(bind: id)").run()
                if let amount = after.earlier[insee]?[id] {
                    try await sql.raw("INSERT INTO earlier_amounts (insee, service, amount) VALUES (\(bind: insee), \(bind: id), \(bind: "\(amount)"))").run()
                }
            } else if let insee = change.insee, let convention = after.conventions[insee] {
                try await Self.replaceConvention(convention, of: insee, on: sql)
            }
            let service: String? = switch change {
            case .join(_, let id, _, _), .changeOffer(_, let id, _, _), .stop(_, let id, _), .setEarlierAmount(_, let id, _): id
            default: change.catalogueServiceID
            }
            try await Self.journal(change.french(in: before), by: author, at: now, insee: change.insee, service: service, on: sql)
            return (before, after)
        }
    }

    /// The operating costs entered for `year`, by service.
    public func operatingCosts(year: Int) async throws -> [String: OperatingCosts] {
        struct Row: Decodable { var service: String; var category: String; var amount: String }
        var result: [String: OperatingCosts] = [:]
        for r in try await sql.raw("SELECT service, category, amount FROM operating_costs WHERE year = \(bind: year)").all(decoding: Row.self) {
            guard let category = CostCategory(rawValue: r.category), let amount = Decimal(string: r.amount) else { continue }
            result[r.service, default: OperatingCosts(serviceID: r.service, year: year, amounts: [:])].amounts[category] = amount
        }
        return result
    }

    /// Replaces a service's costs for the year.
    public func saveOperatingCosts(_ costs: OperatingCosts, in scope: TenantScope) async throws {
        try scope.requirePlatform()
        try await write { sql in
            try await sql.raw("DELETE FROM operating_costs WHERE service = \(bind: costs.serviceID) AND year = \(bind: costs.year)").run()
            try await Self.insertRows(into: "operating_costs", columns: ["service", "year", "category", "amount"],
                                      costs.amounts.sorted { $0.key.rawValue < $1.key.rawValue }.map { [costs.serviceID, costs.year, $0.key.rawValue, "\($0.value)"] },
                                      on: sql)
        }
    }

    static func journal(_ description: String, by author: String, at millis: Int64, insee: String?, service: String?, on sql: any SQLDatabase) async throws {
        try await sql.raw("""
            INSERT INTO convention_journal (id, seq, at, author, insee, service, description)
            VALUES (\(bind: newID()), (SELECT COALESCE(MAX(seq), 0) + 1 FROM convention_journal), \(bind: millis), \(bind: author),
                    \(bind: insee), \(bind: service), \(bind: description))
            """).run()
    }

    public struct JournalEntry: Sendable, Equatable {
        public var at: Date
        public var author: String
        public var description: String
    }

    /// The changes made to a commune's convention, latest first, as the scope may see them: the Métropole's
    /// admins any commune's (`insee`) or the catalogue's and imports (nil); a commune's agents their own only,
    /// whatever they ask; nothing for anyone else.
    public func conventionJournal(insee asked: String?, in scope: TenantScope, limit: Int = 50) async throws -> [JournalEntry] {
        guard scope.access != .citizen else { throw StoreError.forbidden }
        let insee = scope.collectivite.kind == .metropole && scope.isAdmin ? asked : (scope.collectivite.insee ?? "-")
        struct Row: Decodable { var at: Int64; var author: String; var description: String }
        let query = insee.map { sql.raw("SELECT at, author, description FROM convention_journal WHERE insee = \(bind: $0) ORDER BY seq DESC LIMIT \(bind: limit)") }
            ?? sql.raw("SELECT at, author, description FROM convention_journal WHERE insee IS NULL ORDER BY seq DESC LIMIT \(bind: limit)")
        return try await query.all(decoding: Row.self).map { JournalEntry(at: Date(millis: $0.at), author: $0.author, description: $0.description) }
    }
}
