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
    /// Durable before it returns, as the commit that follows is: the bytes are flushed to disk under a temporary
    /// name, renamed, and the folder flushed too, so that a power cut after the commit cannot leave a request
    /// pointing at a file that is empty or missing.
    public func write(id: String, bytes: [UInt8]) throws {
        let url = path(for: id)
        let folder = url.deletingLastPathComponent()
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let temporary = folder.appendingPathComponent(".\(id).\(UUID().uuidString.prefix(8)).tmp")
        guard FileManager.default.createFile(atPath: temporary.path, contents: nil, attributes: [.posixPermissions: 0o600]) else {
            throw CocoaError(.fileWriteUnknown)
        }
        do {
            let handle = try FileHandle(forWritingTo: temporary)
            defer { try? handle.close() }
            try handle.write(contentsOf: bytes)
            try handle.synchronize()
            guard rename(temporary.path, url.path) == 0 else { throw CocoaError(.fileWriteUnknown) }
        } catch {
            try? FileManager.default.removeItem(at: temporary)
            throw error
        }
        let directory = open(folder.path, O_RDONLY | O_DIRECTORY)
        if directory >= 0 {
            defer { close(directory) }
            guard fsync(directory) == 0 else { throw CocoaError(.fileWriteUnknown) }
        }
    }

    public func read(id: String) throws -> Data { try Data(contentsOf: path(for: id)) }

    /// Every stored file (and temporary file left by a crash) last written before `date`: its name, its place.
    func files(writtenBefore date: Date) -> [(name: String, url: URL)] {
        let manager = FileManager.default
        guard let folders = try? manager.contentsOfDirectory(at: root, includingPropertiesForKeys: nil) else { return [] }
        return folders.flatMap { folder in
            let entries = (try? manager.contentsOfDirectory(at: folder, includingPropertiesForKeys: [.contentModificationDateKey])) ?? []
            return entries.compactMap { url -> (name: String, url: URL)? in
                guard let written = try? url.resourceValues(forKeys: [.contentModificationDateKey]).contentModificationDate,
                      written < date else { return nil }
                return (url.lastPathComponent, url)
            }
        }
    }
}
