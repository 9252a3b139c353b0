import Messaging
import Vapor

/// The address a request comes from. Behind a reverse proxy every request's peer is the proxy, so the proxy's
/// `X-Forwarded-For` is read — but only when the peer is one of the configured proxies (`GUICHET_TRUSTED_PROXIES`):
/// anyone else could write that header to pose as anybody.
public enum ClientAddress {
    /// The peer, unless it is a trusted proxy: then the right-most `X-Forwarded-For` entry that is not itself a
    /// trusted proxy (entries further left were written by the client and prove nothing).
    public static func resolve(peer: String?, forwardedFor: [String], trusted: [IPNetwork]) -> String {
        func isTrusted(_ address: IPAddress) -> Bool { trusted.contains { $0.contains(address) } }
        guard let peerText = peer, let peerAddress = IPAddress(peerText) else { return peer ?? "inconnue" }
        guard isTrusted(peerAddress) else { return peerAddress.description }
        let chain = forwardedFor.flatMap { $0.split(separator: ",") }.map { $0.trimmingCharacters(in: .whitespaces) }
        var client = peerAddress
        for entry in chain.reversed() {
            guard let address = IPAddress(entry) else { break }
            client = address
            if !isTrusted(address) { break }
        }
        return client.description
    }
}

extension Request {
    /// The client's address, as `ClientAddress` resolves it with this instance's trusted proxies.
    public var clientAddress: String {
        ClientAddress.resolve(peer: remoteAddress?.ipAddress, forwardedFor: headers[.xForwardedFor], trusted: guichet.trustedProxies)
    }
}
