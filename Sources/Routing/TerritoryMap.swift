import Foundation
import Territory

/// The communes' boundaries, to say in which commune a point is. Built once from the territory data (58 simplified
/// polygons, about 1,300 points), then read by every routing decision.
public struct TerritoryMap: Sendable {
    struct Area: Sendable {
        var slug: String
        var shape: MultiPolygon
    }
    let areas: [Area]

    /// The communes of `territory` that carry a boundary; one whose geometry cannot be read is left out (and
    /// `unreadable` names it, so a bad data file shows at start rather than as requests routed nowhere).
    public init(_ territory: [Collectivite]) {
        var areas: [Area] = [], unreadable: [String] = []
        for c in territory where c.kind == .commune {
            guard let text = c.boundaryGeoJSON else { continue }
            guard let object = try? JSONSerialization.jsonObject(with: Data(text.utf8)), let shape = MultiPolygon(geoJSON: object) else {
                unreadable.append(c.slug); continue
            }
            areas.append(Area(slug: c.slug, shape: shape))
        }
        self.areas = areas
        self.unreadable = unreadable
    }

    /// Communes whose boundary could not be read.
    public let unreadable: [String]

    /// How many communes the map knows.
    public var count: Int { areas.count }

    /// The slug of the commune the point is in, nil outside the territory. A point on a shared border belongs to
    /// whichever commune the even-odd test gives first: borders are lines, not places anyone lives.
    public func commune(latitude: Double, longitude: Double) -> String? {
        guard latitude.isFinite, longitude.isFinite else { return nil }
        return areas.first { $0.shape.contains(x: longitude, y: latitude) }?.slug
    }
}
