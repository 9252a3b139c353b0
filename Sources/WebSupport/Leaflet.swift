import Foundation

/// Leaflet, for the map of « point sur une carte » questions, from Debian's `libjs-leaflet` (no npm): served
/// under /static/leaflet/ when installed. Without it, or without JavaScript, the question is two inputs.
public enum Leaflet {
    public static let folder = "/usr/share/javascript/leaflet"
    public static let isAvailable = FileManager.default.fileExists(atPath: folder + "/leaflet.js")
    /// The map tiles' origin, which the content security policy lets images come from.
    public static let tiles = "https://tile.openstreetmap.org"

    /// The file under the folder a request names, when it is one (no way out of the folder).
    public static func file(_ path: String) -> String? {
        guard isAvailable, !path.contains(".."), path.range(of: #"^[A-Za-z0-9._/-]+$"#, options: .regularExpression) != nil else { return nil }
        let full = folder + "/" + path
        return FileManager.default.fileExists(atPath: full) ? full : nil
    }
}
