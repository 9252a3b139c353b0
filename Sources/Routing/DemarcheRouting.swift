import Demarches
import Foundation

extension Router.Request {
    /// What routing reads of a request of `definition`: its category, its place (the first point on the map,
    /// else the town of the address that locates it) and its answers.
    public init(definition: DemarcheDefinition, answers data: [String: FieldValue], filedWith: String) {
        var place: Place?
        let fields = definition.form.fields
        if let point = fields.lazy.compactMap({ field -> GeoPoint? in
            if field.type == .mapPoint, case .point(let p)? = data[field.id] { return p }
            return nil
        }).first {
            // Through the decimal's text: NSDecimalNumber's doubleValue can be off in the last digits.
            place = .point(latitude: Double("\(point.lat)") ?? .nan, longitude: Double("\(point.lon)") ?? .nan)
        } else if let town = fields.lazy.compactMap({ field -> String? in
            if field.locatesRequest == true, case .address(let a)? = data[field.id] { return a.city }
            return nil
        }).first {
            place = .town(town)
        }
        self.init(demarche: definition.slug, filedWith: filedWith, category: definition.category, place: place,
                  answers: definition.form.answerValues(data))
    }
}
