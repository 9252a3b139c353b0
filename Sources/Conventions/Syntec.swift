import Expressions
import Foundation

/// A monthly value of the Syntec index, with the day it was published.
public struct SyntecValue: Sendable, Equatable, Codable {
    public var year: Int
    public var month: Int
    public var value: Decimal
    /// Publication day, `yyyy-mm-dd`: what decides whether the value was known on 1 January of a billing year.
    public var published: String

    public init(year: Int, month: Int, value: Decimal, published: String) {
        self.year = year; self.month = month; self.value = value; self.published = published
    }
}

extension SyntecValue {
    /// What makes a typed or imported value unusable, each with its French reason.
    public enum Problem: Error, Equatable, Sendable {
        case month, value, published, publishedBeforeMonthEnd

        public var french: String {
            switch self {
            case .month: "mois attendu au format AAAA-MM ou MM/AAAA"
            case .value: "valeur attendue : un nombre positif, par exemple 315,8"
            case .published: "date de publication attendue au format AAAA-MM-JJ ou JJ/MM/AAAA"
            case .publishedBeforeMonthEnd: "un indice est publié après la fin de son mois"
            }
        }
    }

    /// A month's value as the finance department's file or an admin's form gives it: the month (`2025-11` or
    /// `11/2025`), the value (a point or a comma), the publication day, which comes after the month ends.
    public static func read(month: String, value: String, published: String) -> Result<SyntecValue, Problem> {
        let m = month.trimmingCharacters(in: .whitespaces)
        let parts = m.contains("/") ? m.split(separator: "/").reversed().map(String.init) : m.split(separator: "-").map(String.init)
        guard parts.count == 2, parts[0].count == 4, let y = Int(parts[0]), let mo = Int(parts[1]), (1990...2100).contains(y), (1...12).contains(mo) else {
            return .failure(.month)
        }
        guard let v = Money.parse(value), v > 0 else { return .failure(.value) }
        guard let day = CivilDate.parse(published.trimmingCharacters(in: .whitespaces)) else { return .failure(.published) }
        guard day >= (mo == 12 ? String(format: "%04d-01-01", y + 1) : String(format: "%04d-%02d-01", y, mo + 1)) else {
            return .failure(.publishedBeforeMonthEnd)
        }
        return .success(SyntecValue(year: y, month: mo, value: v, published: day))
    }
}

/// The Syntec values admins entered. The index for billing year N, S(N), is the last monthly value published
/// before 1 January N (« l'indice Syntec connu au 1er janvier de l'année de facturation »).
public struct SyntecSeries: Sendable, Equatable {
    public var values: [SyntecValue]
    public init(_ values: [SyntecValue]) { self.values = values }

    /// S(N): of the values published before 1 January N, the one for the latest month — which must be a month of
    /// N-1 (normally October or November): an older one means the year's values were not entered, and using it
    /// would bill last year's index silently.
    public func index(forBillingYear year: Int) -> SyntecValue? {
        let cutoff = String(format: "%04d-01-01", year)
        return values.filter { $0.published < cutoff }.max { ($0.year, $0.month) < ($1.year, $1.month) }.flatMap { $0.year == year - 1 ? $0 : nil }
    }

    /// S(N) / S(base), exact; nil when either is unknown.
    public func factor(forBillingYear year: Int, base: Int = ServiceCatalogue.baseYear) -> (index: SyntecValue, baseIndex: SyntecValue, factor: Decimal)? {
        guard let n = index(forBillingYear: year), let b = index(forBillingYear: base), b.value > 0 else { return nil }
        return (n, b, n.value / b.value)
    }
}
