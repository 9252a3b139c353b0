/// The town hall's public contact details, as published by the Annuaire de l'administration.
public struct TownHall: Sendable, Codable, Equatable {
    public var address: String
    public var phone: String?
    public var email: String?
    public var website: String?
    public var hours: [OpeningHours]
    public var longitude: Double?
    public var latitude: Double?

    public init(address: String, phone: String?, email: String?, website: String?, hours: [OpeningHours],
                longitude: Double?, latitude: Double?) {
        self.address = address; self.phone = phone; self.email = email; self.website = website
        self.hours = hours; self.longitude = longitude; self.latitude = latitude
    }
}

/// Opening hours for a run of days, e.g. "lundi au mercredi : 8 h 30 – 12 h 15, 13 h 30 – 17 h".
public struct OpeningHours: Sendable, Codable, Equatable {
    public struct Slot: Sendable, Codable, Equatable {
        public var opens: String
        var closes: String
    }
    var fromDay: String
    var toDay: String
    var slots: [Slot]

    public var frenchDescription: String {
        let days = fromDay == toDay ? fromDay : "\(fromDay) au \(toDay)"
        let times = slots.map { "\(Self.frenchTime($0.opens)) – \(Self.frenchTime($0.closes))" }
        return "\(days) : \(times.joined(separator: ", "))"
    }

    /// "08:30:00" → "8 h 30"; "17:00:00" → "17 h".
    static func frenchTime(_ time: String) -> String {
        let parts = time.split(separator: ":")
        guard parts.count >= 2, let hour = Int(parts[0]) else { return time }
        return parts[1] == "00" ? "\(hour) h" : "\(hour) h \(parts[1])"
    }
}
