import Foundation

/// A billing year's contributions before and after a change: the what-if shown before it is saved. Lines are
/// matched by commune, service and offer; only those whose amount differs are kept.
public struct ContributionsComparison: Sendable, Equatable {
    public struct Row: Sendable, Equatable {
        public var insee: String
        public var commune: String
        public var serviceID: String
        public var offer: Offer?
        /// nil: no line on that side (a service joined, stopped, or a new convention).
        public var before: Decimal?
        public var after: Decimal?
        public var difference: Decimal { (after ?? 0) - (before ?? 0) }
    }

    public var year: Int
    public var rows: [Row]
    public var totalBefore: Decimal
    public var totalAfter: Decimal
    /// What cannot be computed after the change (a missing price, population or index), said rather than
    /// shown as « no change ».
    public var problems: [String]

    public init(year: Int, before: ContributionsReport.Inputs, after: ContributionsReport.Inputs) {
        struct Key: Hashable { var insee: String; var service: String; var offer: Offer? }
        let linesBefore = ContributionsReport.lines(year: year, before).lines
        let (linesAfter, problemsAfter) = ContributionsReport.lines(year: year, after)
        var names: [Key: String] = [:]
        func sums(_ lines: [ContributionsReport.Line]) -> [Key: Decimal] {
            var result: [Key: Decimal] = [:]
            for l in lines {
                let key = Key(insee: l.insee, service: l.contribution.serviceID, offer: l.contribution.offer)
                result[key, default: 0] += l.contribution.amount
                names[key] = l.commune
            }
            return result
        }
        let b = sums(linesBefore), a = sums(linesAfter)
        self.year = year
        rows = Set(b.keys).union(a.keys).filter { b[$0] != a[$0] }
            .map { Row(insee: $0.insee, commune: names[$0] ?? $0.insee, serviceID: $0.service, offer: $0.offer, before: b[$0], after: a[$0]) }
            .sorted { ($0.commune, $0.serviceID, $0.offer?.rawValue ?? "") < ($1.commune, $1.serviceID, $1.offer?.rawValue ?? "") }
        totalBefore = b.values.reduce(0, +)
        totalAfter = a.values.reduce(0, +)
        problems = problemsAfter
    }

    public var totalDifference: Decimal { totalAfter - totalBefore }
}
