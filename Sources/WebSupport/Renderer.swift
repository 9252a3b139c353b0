import Foundation
import Mustache
import Vapor

/// Renders Mustache templates with typed view models. Templates are loaded once at start-up from the bundles of
/// WebSupport (the layout and shared partials) and of every web part, each under its path in its bundle's
/// `Templates` folder (`grc/inbox`); a name two bundles both define is refused, so no part hides another's page.
public struct Renderer: Sendable {
    let library: MustacheLibrary

    public static func load(parts: [any WebPart.Type]) throws -> Renderer {
        try load(folders: parts.resourceFolders("Templates"))
    }

    static func load(folders: [URL]) throws -> Renderer {
        var library = MustacheLibrary()
        var origin: [String: URL] = [:]
        for folder in folders {
            for (name, file) in templates(in: folder) {
                if let other = origin[name] { throw Abort(.internalServerError, reason: "template \(name) is in both \(other.path) and \(file.path)") }
                origin[name] = file
                do { try library.register(try String(contentsOf: file, encoding: .utf8), named: name) }
                catch { throw Abort(.internalServerError, reason: "template \(file.path): \(error)") }
            }
        }
        return Renderer(library: library)
    }

    /// Every `.mustache` file under the folder, named by its path without the extension.
    private static func templates(in folder: URL) -> [(name: String, file: URL)] {
        guard let walk = FileManager.default.enumerator(atPath: folder.path) else { return [] }
        return walk.compactMap { $0 as? String }.filter { $0.hasSuffix(".mustache") }
            .map { (String($0.dropLast(".mustache".count)), folder.appendingPathComponent($0)) }
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
