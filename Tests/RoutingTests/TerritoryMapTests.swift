import Foundation
import Routing
import Territory
import Testing

/// The map against the shipped boundaries themselves: either side of every border two communes share, each
/// town hall, and places outside the Métropole.
@Suite struct TerritoryMapTests {
    let territory: [Collectivite]
    let map: TerritoryMap
    init() throws {
        territory = try TerritoryData.load()
        map = TerritoryMap(territory)
    }

    @Test func everyCommuneHasAReadableBoundary() {
        #expect(map.count == 58)
        #expect(map.unreadable.isEmpty)
    }

    /// Two of the Annuaire's town-hall positions fall outside their simplified boundary (checked apart with a
    /// plain ray-casting script over the same file): Lissieu's, on its edge by the old RN 6, and Neuville's,
    /// recorded south of the town, in Fontaines-Saint-Martin.
    @Test func everyTownHallIsInItsCommuneButTwoTheDataMisplaces() throws {
        let misplaced: [String: String?] = ["lissieu": nil, "neuville-sur-saone": "fontaines-saint-martin"]
        for c in territory where c.kind == .commune {
            let hall = try #require(c.townHall)
            let latitude = try #require(hall.latitude), longitude = try #require(hall.longitude)
            #expect(map.commune(latitude: latitude, longitude: longitude) == (misplaced[c.slug] ?? c.slug), "\(c.name)")
        }
    }

    /// For each edge two communes share (read from the GeoJSON here, not through the map), a point a metre to
    /// one side is in one of them and a point a metre to the other side in the other.
    @Test func pointsOnEitherSideOfASharedBorderFallInTheTwoCommunes() throws {
        struct Edge: Hashable { var a: [Double], b: [Double] }
        var owners: [Edge: Set<String>] = [:]
        for c in territory where c.kind == .commune {
            let text = try #require(c.boundaryGeoJSON)
            let geometry = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
            let polygons = try #require(geometry["coordinates"] as? [[[[Double]]]])
            for ring in polygons.joined() {
                for (p, q) in zip(ring, ring.dropFirst()) {
                    let edge = p.lexicographicallyPrecedes(q) ? Edge(a: p, b: q) : Edge(a: q, b: p)
                    owners[edge, default: []].insert(c.slug)
                }
            }
        }
        let shared = owners.filter { $0.value.count == 2 && hypot($0.key.b[0] - $0.key.a[0], $0.key.b[1] - $0.key.a[1]) > 1e-4 }
        #expect(shared.count > 400)
        for (edge, pair) in shared {
            let (dx, dy) = (edge.b[0] - edge.a[0], edge.b[1] - edge.a[1]), length = hypot(dx, dy)
            let (mx, my) = ((edge.a[0] + edge.b[0]) / 2, (edge.a[1] + edge.b[1]) / 2)
            let offset = 1e-5 / length  // about a metre, across the edge
            let left = map.commune(latitude: my + dx * offset, longitude: mx - dy * offset)
            let right = map.commune(latitude: my - dx * offset, longitude: mx + dy * offset)
            #expect(Set([left, right].compactMap { $0 }) == pair, "edge \(edge) of \(pair)")
        }
    }

    @Test func placesOutsideTheMetropoleAreInNoCommune() {
        #expect(map.commune(latitude: 48.8566, longitude: 2.3522) == nil)  // Paris
        #expect(map.commune(latitude: 45.9890, longitude: 4.7190) == nil)  // Villefranche-sur-Saône
        #expect(map.commune(latitude: 45.4397, longitude: 4.3872) == nil)  // Saint-Étienne
        #expect(map.commune(latitude: .nan, longitude: 4.85) == nil)
        #expect(map.commune(latitude: 45.76, longitude: .infinity) == nil)
    }

    @Test func wellKnownPlaces() {
        #expect(map.commune(latitude: 45.7578, longitude: 4.8320) == "lyon")  // place Bellecour
        #expect(map.commune(latitude: 45.7685, longitude: 4.8810) == "villeurbanne")  // Gratte-Ciel
        #expect(map.commune(latitude: 45.7390, longitude: 4.9130) == "bron")  // near its town hall, east of Lyon
    }
}
