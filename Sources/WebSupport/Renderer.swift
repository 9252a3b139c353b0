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
