import Foundation

/// Reads the communes' GeoJSON: boundary geometry and town-hall properties, keyed by INSEE code.
struct GeoFeatures {
    struct Feature {
        var geometry: String
        var townHall: TownHall
    }
    var byInsee: [String: Feature] = [:]

    init(json: Data) throws {
        guard let root = try JSONSerialization.jsonObject(with: json) as? [String: Any],
              let features = root["features"] as? [[String: Any]]
        else { throw TerritoryData.LoadError.malformed("GeoJSON without features") }
        for feature in features {
            guard let props = feature["properties"] as? [String: Any], let insee = props["code_insee"] as? String,
                  let geometry = feature["geometry"]
            else { throw TerritoryData.LoadError.malformed("GeoJSON feature without code_insee or geometry") }
            let geometryText = String(decoding: try JSONSerialization.data(withJSONObject: geometry), as: UTF8.self)
            let lonlat = props["mairie_lonlat"] as? [Double]
            let townHall = TownHall(
                address: props["mairie_adresse"] as? String ?? "",
                phone: props["mairie_telephone"] as? String,
                email: props["mairie_email"] as? String,
                website: props["mairie_site"] as? String,
                hours: Self.hours(props["mairie_horaires"]),
                longitude: lonlat?.first, latitude: lonlat?.last)
            byInsee[insee] = Feature(geometry: geometryText, townHall: townHall)
        }
    }

    /// `[["lundi","mercredi",[["08:30:00","12:15:00"], …]], …]` → opening hours.
    private static func hours(_ raw: Any?) -> [OpeningHours] {
        guard let runs = raw as? [[Any]] else { return [] }
        return runs.compactMap { run in
            guard run.count == 3, let from = run[0] as? String, let to = run[1] as? String,
                  let slots = run[2] as? [[String]] else { return nil }
            return OpeningHours(fromDay: from, toDay: to,
                                slots: slots.compactMap { $0.count == 2 ? .init(opens: $0[0], closes: $0[1]) : nil })
        }
    }
}
