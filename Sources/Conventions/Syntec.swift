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
