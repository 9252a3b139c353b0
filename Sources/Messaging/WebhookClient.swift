import AsyncHTTPClient
import Crypto
import Foundation
import NIOCore
import Storage

/// Calls workflow webhooks. Each call is signed so the receiver knows it comes from Guichet and was not
/// replayed: `X-Guichet-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">`, with the key of the
/// request's collectivité (`WebhookKeys`), which its admins read in the back-office.
public struct WebhookClient: Sendable {
    let keys: WebhookKeys
    let client: OutboundHTTP
    let clock: @Sendable () -> Date

    public init(keys: WebhookKeys, client: OutboundHTTP, clock: @escaping @Sendable () -> Date = Date.init) {
        self.keys = keys; self.client = client; self.clock = clock
    }

    public struct Answer: Sendable { public var status: Int; public var body: String }

    /// Returns the answer of a 2xx (up to 1 MiB); throws on any other status, a refused address or a network error
    /// (after 15 s).
    public func call(_ call: WebhookCall, id: String) async throws -> Answer {
        var request = HTTPClientRequest(url: call.url)
        request.method = .POST
        let timestamp = Int(clock().timeIntervalSince1970)
        request.headers.add(name: "Content-Type", value: "application/json")
        request.headers.add(name: "User-Agent", value: "Guichet-Webhook/1")
        request.headers.add(name: "X-Guichet-Delivery", value: id)
        request.headers.add(name: "X-Guichet-Signature",
                            value: Self.signature(body: call.body, timestamp: timestamp, key: keys.key(for: call.collectivite)))
        request.body = .bytes(ByteBuffer(string: call.body))
        let answer = try await client.execute(request, timeout: .seconds(15), maxBytes: 1 << 20)
        return Answer(status: answer.status, body: String(buffer: answer.body))
    }

    public static func signature(body: String, timestamp: Int, key: String) -> String {
        let mac = HMAC<SHA256>.authenticationCode(for: Data("\(timestamp).\(body)".utf8), using: SymmetricKey(data: Data(key.utf8)))
        return "t=\(timestamp),v1=" + mac.map { String(format: "%02x", $0) }.joined()
    }
}

/// One signing key per collectivité, derived from the server's secret: a commune's receiver cannot verify (or
/// forge) another commune's calls, and rotating the server secret rotates them all.
public struct WebhookKeys: Sendable {
    let secret: Data
    public init(secret: Data) { self.secret = secret }

    public func key(for collectivite: String) -> String {
        HMAC<SHA256>.authenticationCode(for: Data("webhook:\(collectivite)".utf8), using: SymmetricKey(data: secret))
            .map { String(format: "%02x", $0) }.joined()
    }

    /// A connector's signing key: its own derivation, and a new one each time its credentials are rotated.
    public func connectorKey(commune: String, generation: Int) -> String {
        HMAC<SHA256>.authenticationCode(for: Data("connector:\(commune):\(generation)".utf8), using: SymmetricKey(data: secret))
            .map { String(format: "%02x", $0) }.joined()
    }
}
