import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import Storage

/// Where workflow SMS go: an operator's HTTP gateway, or a file per message when none is configured.
public protocol SMSGateway: Sendable {
    /// Returns once the gateway accepted the message; throws otherwise.
    func send(_ sms: SMSMessage, id: String) async throws
}

/// POSTs `{"to": …, "text": …, "id": …}` as JSON with a bearer token: the shape most French SMS operators'
/// APIs (and a small adapter in front of the others) accept. Any 2xx is acceptance.
public struct HTTPSMSGateway: SMSGateway {
    let url: String
    let token: String?
    let client: OutboundHTTP

    public init(url: String, token: String?, client: OutboundHTTP) { self.url = url; self.token = token; self.client = client }

    public func send(_ sms: SMSMessage, id: String) async throws {
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        if let token { request.headers.add(name: "Authorization", value: "Bearer \(token)") }
        let body = try JSONSerialization.data(withJSONObject: ["to": sms.to, "text": sms.text, "id": id], options: [.sortedKeys])
        request.body = .bytes(ByteBuffer(bytes: body))
        _ = try await client.execute(request, timeout: .seconds(10), maxBytes: 64 << 10)
    }
}

/// Writes each SMS as a JSON file, e.g. under `data/sms/`, for the demo and the tests.
public struct FileSMSGateway: SMSGateway {
    public let folder: URL
    public init(folder: URL) { self.folder = folder }

    public func send(_ sms: SMSMessage, id: String) async throws {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let body = try JSONSerialization.data(withJSONObject: ["to": sms.to, "text": sms.text, "id": id], options: [.sortedKeys])
        try body.write(to: folder.appendingPathComponent("\(Int(Date().timeIntervalSince1970 * 1000))-\(id).json"), options: .atomic)
    }
}
