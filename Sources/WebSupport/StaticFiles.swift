import Foundation
import Vapor

/// Serves the static files of WebSupport and of every web part (each bundle's `Public` folder, mapped to the
/// URL root: `Public/static/guichet.css` is `/static/guichet.css`). The files are listed once at start-up, so a
/// request for anything else costs a dictionary lookup rather than a look at the disk; a path two bundles both
/// define is refused at start-up. Like Vapor's `FileMiddleware`, a path that climbs (`../`) is forbidden.
public struct StaticFiles: AsyncMiddleware {
    let files: [String: String]

    public init(parts: [any WebPart.Type]) throws { try self.init(folders: parts.resourceFolders("Public")) }

    init(folders: [URL]) throws {
        var files: [String: String] = [:]
        for folder in folders {
            let root = folder.standardizedFileURL.path
            guard let walk = FileManager.default.enumerator(at: folder, includingPropertiesForKeys: [.isRegularFileKey]) else { continue }
            for case let file as URL in walk where (try? file.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) == true {
                let path = file.standardizedFileURL.path
                let url = String(path.dropFirst(root.count))
                if let other = files[url] { throw Abort(.internalServerError, reason: "static file \(url) is in both \(other) and \(path)") }
                files[url] = path
            }
        }
        self.files = files
    }

    public func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        guard let decoded = request.url.path.removingPercentEncoding else { throw Abort(.badRequest) }
        guard !decoded.contains("../") else { throw Abort(.forbidden) }
        guard let file = files["/" + decoded.drop { $0 == "/" }] else { return try await next.respond(to: request) }
        return try await request.fileio.asyncStreamFile(at: file)
    }
}
