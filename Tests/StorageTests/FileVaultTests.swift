import Foundation
import Storage
import XCTest

/// Uploaded files are written whole or not at all, readable by the server's user only.
final class FileVaultTests: XCTestCase {
    func testAFileIsWrittenWholeOwnerOnlyWithNothingLeftBeside() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("vault-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        let vault = FileVault(root: root)
        let bytes = [UInt8](repeating: 7, count: 100_000)
        try vault.write(id: "ab12", bytes: bytes)
        try vault.write(id: "ab12", bytes: [1, 2, 3])
        XCTAssertEqual(try vault.read(id: "ab12"), Data([1, 2, 3]), "a second write replaces the file")
        let folder = root.appendingPathComponent("ab")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: folder.path), ["ab12"], "no temporary file left")
        let permissions = try FileManager.default.attributesOfItem(atPath: folder.appendingPathComponent("ab12").path)[.posixPermissions] as? Int
        XCTAssertEqual(permissions, 0o600)
    }
}
