/// A commune's boundary as GeoJSON gives it (longitude, latitude in WGS 84): polygons, each an outer ring and its
/// holes. Whether a point is inside is decided by the even-odd rule over every ring of a polygon, which needs no
/// ring orientation (the shipped file does not promise one).
struct MultiPolygon: Sendable {
    struct Ring: Sendable {
        /// Longitudes and latitudes apart, first point not repeated at the end.
        var xs: [Double], ys: [Double]
    }
    var polygons: [[Ring]]
    /// The bounding box, to reject most points with four comparisons.
    private(set) var minX = Double.infinity, minY = Double.infinity, maxX = -Double.infinity, maxY = -Double.infinity

    init(polygons: [[[(x: Double, y: Double)]]]) {
        self.polygons = polygons.map { rings in
            rings.map { points in
                var points = points
                if points.count > 1, let first = points.first, let last = points.last, first == last { points.removeLast() }
                return Ring(xs: points.map(\.x), ys: points.map(\.y))
            }
        }
        for ring in self.polygons.joined() {
            minX = min(minX, ring.xs.min() ?? minX); maxX = max(maxX, ring.xs.max() ?? maxX)
            minY = min(minY, ring.ys.min() ?? minY); maxY = max(maxY, ring.ys.max() ?? maxY)
        }
    }

    /// Reads a GeoJSON `Polygon` or `MultiPolygon` geometry; nil for anything else or a ring of fewer than 3 points.
    init?(geoJSON object: Any) {
        guard let geometry = object as? [String: Any], let type = geometry["type"] as? String,
              let coordinates = geometry["coordinates"] as? [Any] else { return nil }
        func ring(_ raw: Any) -> [(x: Double, y: Double)]? {
            guard let positions = raw as? [[Double]], positions.count >= 3 else { return nil }
            let points = positions.compactMap { $0.count >= 2 ? (x: $0[0], y: $0[1]) : nil }
            return points.count == positions.count ? points : nil
        }
        func polygon(_ raw: Any) -> [[(x: Double, y: Double)]]? {
            guard let rings = raw as? [Any], !rings.isEmpty else { return nil }
            let read = rings.compactMap(ring)
            return read.count == rings.count ? read : nil
        }
        switch type {
        case "Polygon": guard let p = polygon(coordinates) else { return nil }; self.init(polygons: [p])
        case "MultiPolygon":
            let read = coordinates.compactMap(polygon)
            guard !read.isEmpty, read.count == coordinates.count else { return nil }
            self.init(polygons: read)
        default: return nil
        }
    }

    func contains(x: Double, y: Double) -> Bool {
        guard x >= minX, x <= maxX, y >= minY, y <= maxY else { return false }
        for rings in polygons {
            var inside = false
            for ring in rings where Self.crossings(ring, x, y) { inside.toggle() }
            if inside { return true }
        }
        return false
    }

    /// Whether a ray from the point towards +x crosses the ring an odd number of times.
    private static func crossings(_ ring: Ring, _ x: Double, _ y: Double) -> Bool {
        var odd = false
        let n = ring.xs.count
        var j = n - 1
        ring.xs.withUnsafeBufferPointer { xs in
            ring.ys.withUnsafeBufferPointer { ys in
                for i in 0..<n {
                    let yi = ys[i], yj = ys[j]
                    if (yi > y) != (yj > y) {
                        let crossX = xs[i] + (y - yi) / (yj - yi) * (xs[j] - xs[i])
                        if x < crossX { odd.toggle() }
                    }
                    j = i
                }
            }
        }
        return odd
    }
}
