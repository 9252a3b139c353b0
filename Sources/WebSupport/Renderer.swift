import Foundation
import Mustache
import Vapor

/// Renders Mustache templates (loaded once at start-up from the bundle) with typed view models.
public struct Renderer: Sendable {
    let library: MustacheLibrary

    public static func load() async throws -> Renderer {
        guard let folder = Bundle.module.url(forResource: "Templates", withExtension: nil) else {
            throw Abort(.internalServerError, reason: "templates missing from the bundle")
        }
        return Renderer(library: try await MustacheLibrary(directory: folder.path))
    }

    public func html(_ template: String, _ model: Any, status: HTTPStatus = .ok) -> Response {
        guard let body = library.render(model, withTemplate: template) else {
            return Response(status: .internalServerError, body: .init(string: "template \(template) missing"))
        }
        var headers = HTTPHeaders()
        headers.contentType = .html
        return Response(status: status, headers: headers, body: .init(string: body))
    }
}

/// Where static files (CSS, icons) live in the bundle.
public enum StaticFiles {
    public static var folder: String? { Bundle.module.url(forResource: "Public", withExtension: nil)?.path }
}

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
