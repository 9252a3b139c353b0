import Foundation

/// Uploaded files, stored by id under the data folder, outside anything served statically.
/// Served only through a route that first checks who may see the request.
public struct FileVault: Sendable {
    public let root: URL

    public init(root: URL) { self.root = root }

    func path(for id: String) -> URL {
        root.appendingPathComponent(String(id.prefix(2))).appendingPathComponent(id)
    }

    /// Written before the transaction that references it; an orphan left by a failed transaction is harmless.
    public func write(id: String, bytes: [UInt8]) throws {
        let url = path(for: id)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(bytes).write(to: url, options: .atomic)
    }

    public func read(id: String) throws -> Data { try Data(contentsOf: path(for: id)) }
}
