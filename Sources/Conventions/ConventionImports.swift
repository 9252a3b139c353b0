import Expressions
import Foundation
import Territory

/// The finance department's CSV files (docs/CONVENTIONS.md gives each format): read whole, every bad row reported
/// with its line and reason, and nothing kept from a file that has one.
public enum ConventionImports {
    public struct LineError: Error, Equatable, Sendable, CustomStringConvertible {
        public var line: Int
        public var reason: String
        public var description: String { "ligne \(line) : \(reason)" }
        public init(line: Int, reason: String) { self.line = line; self.reason = reason }
    }

    /// The finance department's four files.
    public enum Kind: String, Sendable, CaseIterable {
        case populations, syntec, earlierAmounts = "montants-2025", conventions

        public var french: String {
            switch self {
            case .populations: "Populations municipales (INSEE)"
            case .syntec: "Indice Syntec"
            case .earlierAmounts: "Montants 2025 des anciennes conventions"
            case .conventions: "Conventions cadre et adhésions"
            }
        }
    }

    /// Every bad row of a file, in order.
    public struct ImportErrors: Error, Equatable, Sendable { public var lines: [LineError] }

    public struct Population: Sendable, Equatable {
        public var insee: String; public var vintage: Int; public var population: Int
        public init(insee: String, vintage: Int, population: Int) { self.insee = insee; self.vintage = vintage; self.population = population }
    }
    public struct EarlierAmount: Sendable, Equatable {
        public var insee: String; public var serviceID: String; public var amount: Decimal
        public init(insee: String, serviceID: String, amount: Decimal) { self.insee = insee; self.serviceID = serviceID; self.amount = amount }
    }

    /// `code_insee,millesime,population`: the population municipale of a census vintage.
    public static func populations(_ text: String) -> Result<[Population], ImportErrors> {
        read(text, columns: ["code_insee", "millesime", "population"]) { row, line in
            guard isInsee(row[0]) else { throw LineError(line: line, reason: "code INSEE « \(row[0]) » invalide (5 caractères, 69xxx)") }
            guard let vintage = Int(row[1]), (1990...2100).contains(vintage) else { throw LineError(line: line, reason: "millésime « \(row[1]) » invalide") }
            guard let population = Int(row[2]), population >= 0 else { throw LineError(line: line, reason: "population « \(row[2]) » invalide (un entier)") }
            return Population(insee: row[0], vintage: vintage, population: population)
        }
    }

    /// `mois,valeur,publie_le`: `2025-11,315.8,2025-12-19`.
    public static func syntec(_ text: String) -> Result<[SyntecValue], ImportErrors> {
        read(text, columns: ["mois", "valeur", "publie_le"]) { row, line in
            try SyntecValue.read(month: row[0], value: row[1], published: row[2]).mapError { LineError(line: line, reason: $0.french) }.get()
        }
    }

    /// `code_insee,service,montant_2025`: what a commune paid in 2025 under its earlier convention.
    public static func earlierAmounts(_ text: String, services: [SharedService]) -> Result<[EarlierAmount], ImportErrors> {
        read(text, columns: ["code_insee", "service", "montant_2025"]) { row, line in
            guard isInsee(row[0]) else { throw LineError(line: line, reason: "code INSEE « \(row[0]) » invalide") }
            guard services.contains(where: { $0.id == row[1] }) else {
                throw LineError(line: line, reason: "service « \(row[1]) » inconnu (\(services.map(\.id).joined(separator: ", ")))")
            }
            guard let amount = Money.parse(row[2]), amount >= 0 else { throw LineError(line: line, reason: "montant « \(row[2]) » invalide (en euros, point ou virgule)") }
            return EarlierAmount(insee: row[0], serviceID: row[1], amount: amount)
        }
    }

    /// `code_insee,signee_le,debut,fin,service,offre,debut_service,fin_service`: one row per service joined; the
    /// convention's columns repeat on each of its rows and must agree.
    public static func conventions(_ text: String, services: [SharedService]) -> Result<[String: ConventionCadre], ImportErrors> {
        let rows = read(text, columns: ["code_insee", "signee_le", "debut", "fin", "service", "offre", "debut_service", "fin_service"]) { row, line in
            guard isInsee(row[0]) else { throw LineError(line: line, reason: "code INSEE « \(row[0]) » invalide") }
            for (i, name) in [(1, "signee_le"), (2, "debut"), (6, "debut_service")] where CivilDate(iso: row[i]) == nil {
                throw LineError(line: line, reason: "\(name) « \(row[i]) » invalide (AAAA-MM-JJ)")
            }
            for (i, name) in [(3, "fin"), (7, "fin_service")] where !row[i].isEmpty && CivilDate(iso: row[i]) == nil {
                throw LineError(line: line, reason: "\(name) « \(row[i]) » invalide (AAAA-MM-JJ, ou vide)")
            }
            guard let service = services.first(where: { $0.id == row[4] }) else { throw LineError(line: line, reason: "service « \(row[4]) » inconnu") }
            let offer = Offer(rawValue: row[5])
            if service.hasOffers {
                guard let offer, service.offers.contains(offer) else { throw LineError(line: line, reason: "offre « \(row[5]) » inconnue pour \(service.id)") }
                guard service.openOffers.contains(offer) else { throw LineError(line: line, reason: "l'offre \(offer.french) n'est pas encore ouverte") }
            } else if !row[5].isEmpty { throw LineError(line: line, reason: "\(service.id) n'a pas d'offre") }
            if row[6] < row[2] { throw LineError(line: line, reason: "le service commence avant la convention") }
            return (line, row[0], row[1], row[2], row[3].isEmpty ? nil : row[3],
                    ConventionCadre.Membership(serviceID: service.id, offer: offer, start: row[6], end: row[7].isEmpty ? nil : row[7]))
        }
        switch rows {
        case .failure(let errors): return .failure(errors)
        case .success(let rows):
            var result: [String: ConventionCadre] = [:]
            var errors: [LineError] = []
            for (line, insee, signed, start, ended, membership) in rows {
                if var c = result[insee] {
                    if c.signed != signed || c.start != start || c.ended != ended {
                        errors.append(LineError(line: line, reason: "la convention de \(insee) a d'autres dates sur une ligne précédente"))
                    }
                    // The same service twice is a change of offer: the periods follow each other.
                    if c.services.contains(where: { $0.serviceID == membership.serviceID && $0.overlaps(membership) }) {
                        errors.append(LineError(line: line, reason: "\(membership.serviceID) figure deux fois pour \(insee) sur des périodes qui se chevauchent"))
                    }
                    c.services.append(membership)
                    result[insee] = c
                } else {
                    result[insee] = ConventionCadre(commune: insee, signed: signed, start: start, services: [membership], ended: ended)
                }
            }
            return errors.isEmpty ? .success(result) : .failure(ImportErrors(lines: errors))
        }
    }

    /// Reads the header (exact column names, in order), then each row; collects every row's error.
    private static func read<T>(_ text: String, columns: [String], _ row: ([String], Int) throws -> T) -> Result<[T], ImportErrors> {
        let records = CSV.records(text.hasPrefix("\u{FEFF}") ? String(text.dropFirst()) : text)
        guard let header = records.first?.map({ $0.trimmingCharacters(in: .whitespaces) }), header == columns else {
            return .failure(ImportErrors(lines: [LineError(line: 1, reason: "en-tête attendu : \(columns.joined(separator: ","))")]))
        }
        var result: [T] = [], errors: [LineError] = []
        for (n, record) in records.dropFirst().enumerated() where record != [""] {
            let line = n + 2
            let cells = record.map { $0.trimmingCharacters(in: .whitespaces) }
            guard cells.count == columns.count else {
                errors.append(LineError(line: line, reason: "\(columns.count) colonnes attendues, \(cells.count) trouvées")); continue
            }
            do { result.append(try row(cells, line)) }
            catch let error as LineError { errors.append(error) }
            catch { errors.append(LineError(line: line, reason: "\(error)")) }
        }
        return errors.isEmpty ? .success(result) : .failure(ImportErrors(lines: errors))
    }

    static func isInsee(_ s: String) -> Bool { s.count == 5 && s.allSatisfy { $0.isASCII && ($0.isNumber || $0 == "A" || $0 == "B") } }
}
