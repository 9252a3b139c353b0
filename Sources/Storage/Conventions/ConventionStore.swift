import Conventions
import Foundation
import SQLKit

/// The convention cadre's data: imports replace what they cover in one transaction (a file is checked whole
/// before, by `ConventionImports`), and `contributionInputs` reads everything a billing year needs. The cadre
/// binds the Métropole and every commune: only those who run the platform change it (`requirePlatform`).
extension Store {
    /// Reads a whole file of `kind` and imports it, journaled with its author; a file with a bad row throws
    /// `ConventionImports.ImportErrors` and changes nothing. Returns what was imported, in French.
    public func importConventionFile(_ kind: ConventionImports.Kind, text: String, author: String, in scope: TenantScope) async throws -> String {
        try scope.requirePlatform()
        let message: String
        switch kind {
        case .populations:
            let rows = try ConventionImports.populations(text).get()
            try await importPopulations(rows, in: scope)
            message = "\(rows.count) populations importées (millésimes \(Set(rows.map(\.vintage)).sorted().map(String.init).joined(separator: ", ")))."
        case .syntec:
            let values = try ConventionImports.syntec(text).get()
            try await importSyntec(values, in: scope)
            message = "\(values.count) valeurs de l'indice Syntec importées."
        case .earlierAmounts:
            let rows = try ConventionImports.earlierAmounts(text, services: try await sharedServices()).get()
            try await importEarlierAmounts(rows, in: scope)
            message = "\(rows.count) montants 2025 importés."
        case .conventions:
            let conventions = try ConventionImports.conventions(text, services: try await sharedServices()).get()
            try await importConventions(conventions, in: scope)
            message = "\(conventions.count) conventions importées."
        }
        let now = nowMillis
        try await write { sql in
            try await Self.journal("Import « \(kind.french) » : " + message, by: author, at: now, insee: nil, service: nil, on: sql)
        }
        return message
    }

    /// Replaces the populations of the vintages the file holds.
    public func importPopulations(_ rows: [ConventionImports.Population], in scope: TenantScope) async throws {
        try scope.requirePlatform()
        try await write { sql in
            for vintage in Set(rows.map(\.vintage)) { try await sql.raw("DELETE FROM populations WHERE vintage = \(bind: vintage)").run() }
            try await Self.insertRows(into: "populations", columns: ["insee", "vintage", "population"],
                                      rows.map { [$0.insee, $0.vintage, $0.population] }, on: sql)
        }
    }

    /// Adds or replaces the months the file holds.
    public func importSyntec(_ values: [SyntecValue], in scope: TenantScope) async throws {
        try scope.requirePlatform()
        try await write { sql in
            for v in values {
                try await sql.raw("DELETE FROM syntec_values WHERE year = \(bind: v.year) AND month = \(bind: v.month)").run()
                try await sql.raw("""
                    INSERT INTO syntec_values (year, month, value, published) VALUES (\(bind: v.year), \(bind: v.month), \(bind: "\(v.value)"), \(bind: v.published))
                    """).run()
            }
        }
    }

    /// Replaces every 2025 amount (the file is the whole list).
    public func importEarlierAmounts(_ rows: [ConventionImports.EarlierAmount], in scope: TenantScope) async throws {
        try scope.requirePlatform()
        try await write { sql in
            try await sql.raw("DELETE FROM earlier_amounts").run()
            try await Self.insertRows(into: "earlier_amounts", columns: ["insee", "service", "amount"], rows.map { [$0.insee, $0.serviceID, "\($0.amount)"] }, on: sql)
        }
    }

    /// Replaces the conventions of the communes the file names, with their services.
    public func importConventions(_ conventions: [String: ConventionCadre], in scope: TenantScope) async throws {
        try scope.requirePlatform()
        try await write { sql in
            for (insee, c) in conventions {
                try await Self.replaceConvention(c, of: insee, on: sql)
            }
        }
    }

    static func replaceConvention(_ c: ConventionCadre, of insee: String, on sql: any SQLDatabase) async throws {
        try await sql.raw("DELETE FROM convention_memberships WHERE insee = \(bind: insee)").run()
        // Updated in place, not deleted: a concurrent change waiting on this row's lock then sees it.
        try await sql.raw("""
            INSERT INTO conventions (insee, signed, start, ended) VALUES (\(bind: insee), \(bind: c.signed), \(bind: c.start), \(bind: c.ended))
            ON CONFLICT (insee) DO UPDATE SET signed = excluded.signed, start = excluded.start, ended = excluded.ended
            """).run()
        try await insertRows(into: "convention_memberships", columns: ["insee", "service", "offer", "start", "end"],
                             c.services.map { [insee, $0.serviceID, $0.offer?.rawValue, $0.start, $0.end] as [any Encodable & Sendable] }, on: sql)
    }

    /// What a billing year's contributions are computed from, as the scope may see it: everything for the
    /// Métropole's admins, only its own convention for a commune; nothing for anyone else.
    public func contributionInputs(in scope: TenantScope, partialYear: PartialYearRule = .daily) async throws -> ContributionsReport.Inputs {
        var inputs = try await contributionInputs(partialYear: partialYear)
        if scope.collectivite.kind == .metropole && scope.isAdmin { return inputs }
        let own = scope.collectivite.insee ?? "-"
        guard scope.access != .citizen else { throw StoreError.forbidden }
        inputs.conventions = inputs.conventions.filter { $0.key == own }
        inputs.earlier = inputs.earlier.filter { $0.key == own }
        inputs.populations = inputs.populations.filter { $0.key == own }
        return inputs
    }

    /// Everything a billing year's contributions are computed from, for the operator's command line.
    public func contributionInputs(partialYear: PartialYearRule = .daily) async throws -> ContributionsReport.Inputs {
        try await Self.contributionInputs(partialYear: partialYear, names: try await communeNames(), on: sql)
    }

    func communeNames() async throws -> [String: String] {
        Dictionary(try await collectivites().compactMap { c in c.insee.map { ($0, c.name) } }, uniquingKeysWith: { a, _ in a })
    }

    static func contributionInputs(partialYear: PartialYearRule, names: [String: String], on sql: any SQLDatabase) async throws -> ContributionsReport.Inputs {
        struct PopulationRow: Decodable { var insee: String; var vintage: Int; var population: Int }
        struct SyntecRow: Decodable { var year: Int; var month: Int; var value: String; var published: String }
        struct EarlierRow: Decodable { var insee: String; var service: String; var amount: String }
        let conventions = try await conventionCadres(on: sql)
        var populations: [String: [Int: Int]] = [:]
        for p in try await sql.raw("SELECT insee, vintage, population FROM populations").all(decoding: PopulationRow.self) {
            populations[p.insee, default: [:]][p.vintage] = p.population
        }
        let syntec = try await sql.raw("SELECT year, month, value, published FROM syntec_values").all(decoding: SyntecRow.self)
            .compactMap { r in Decimal(string: r.value).map { SyntecValue(year: r.year, month: r.month, value: $0, published: r.published) } }
        var earlier: [String: [String: Decimal]] = [:]
        for e in try await sql.raw("SELECT insee, service, amount FROM earlier_amounts").all(decoding: EarlierRow.self) {
            earlier[e.insee, default: [:]][e.service] = Decimal(string: e.amount)
        }
        return ContributionsReport.Inputs(conventions: conventions, names: names, populations: populations, syntec: SyntecSeries(syntec),
                                          earlier: earlier, services: try await sharedServices(on: sql), partialYear: partialYear)
    }

    /// The conventions cadres with their memberships (in the order they were joined): every commune's, or only
    /// those of `communes`.
    static func conventionCadres(of communes: [String]? = nil, on sql: any SQLDatabase) async throws -> [String: ConventionCadre] {
        struct ConventionRow: Decodable { var insee: String; var signed: String; var start: String; var ended: String? }
        struct ServiceRow: Decodable { var insee: String; var service: String; var offer: String?; var start: String; var end: String? }
        if communes?.isEmpty == true { return [:] }
        let cadres = sql.select().columns("insee", "signed", "start", "ended").from("conventions")
        let memberships = sql.select().columns("insee", "service", "offer", "start", "end").from("convention_memberships")
            .orderBy("service").orderBy("start")
        if let communes {
            cadres.where("insee", .in, communes)
            memberships.where("insee", .in, communes)
        }
        var conventions: [String: ConventionCadre] = [:]
        for c in try await cadres.all(decoding: ConventionRow.self) {
            conventions[c.insee] = ConventionCadre(commune: c.insee, signed: c.signed, start: c.start, services: [], ended: c.ended)
        }
        for s in try await memberships.all(decoding: ServiceRow.self) {
            conventions[s.insee]?.services.append(.init(serviceID: s.service, offer: s.offer.flatMap(Offer.init(rawValue:)), start: s.start, end: s.end))
        }
        return conventions
    }
}
