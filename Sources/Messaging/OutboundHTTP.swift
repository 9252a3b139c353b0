import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
#if canImport(Glibc)
import Glibc
#endif

/// What outbound HTTP may reach. Webhook and data-source URLs are typed by collectivités' admins, so by default
/// only the public Internet over https; an operator allows an intranet connector's network (or the tests their
/// loopback receiver) explicitly: `GUICHET_OUTBOUND_ALLOW`, `GUICHET_OUTBOUND_HTTP`.
public struct OutboundPolicy: Sendable, Equatable {
    /// Networks reachable although not public.
    public var allowedNetworks: [IPNetwork]
    /// Whether plain `http://` is accepted (otherwise https only).
    public var allowsPlainHTTP: Bool

    public init(allowedNetworks: [IPNetwork] = [], allowsPlainHTTP: Bool = false) {
        self.allowedNetworks = allowedNetworks; self.allowsPlainHTTP = allowsPlainHTTP
    }

    public static let publicHTTPSOnly = OutboundPolicy()

    func permits(_ address: IPAddress) -> Bool {
        address.isPublic || allowedNetworks.contains { $0.contains(address) }
    }
}

/// Why an outbound call was not made or its answer not taken; the message is what admins read on the failing
/// delivery or the data source.
public enum OutboundRefusal: Error, Equatable, CustomStringConvertible {
    case invalidURL
    case schemeNotAllowed(String)
    case unresolved(String)
    case addressNotAllowed(host: String, address: String)
    case redirect(status: Int)
    case status(Int)
    case answerTooLarge(limit: Int)

    public var description: String {
        switch self {
        case .invalidURL: "adresse invalide"
        case .schemeNotAllowed(let scheme): "schéma \(scheme):// refusé (https seulement)"
        case .unresolved(let host): "\(host) : nom introuvable"
        case .addressNotAllowed(let host, let address): "\(host) (\(address)) : adresse non publique refusée"
        case .redirect(let status): "HTTP \(status) : redirection refusée"
        case .status(let code): "HTTP \(code)"
        case .answerTooLarge(let limit): "réponse de plus de \(limit / 1024) Kio refusée"
        }
    }
}

/// The one outbound HTTP client (webhooks, URL data sources, the SMS gateway). Before each call it resolves the
/// host, checks every address against the policy, then connects to the checked address only (so a DNS answer
/// that changes between check and connection cannot send it elsewhere), follows no redirect and reads a bounded
/// answer.
public struct OutboundHTTP: Sendable {
    public let policy: OutboundPolicy
    let group: any EventLoopGroup

    public init(policy: OutboundPolicy, group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton) {
        self.policy = policy; self.group = group
    }

    public struct Answer: Sendable { public var status: Int; public var body: ByteBuffer }

    /// Makes the call; a 2xx answer is returned, anything else throws (`OutboundRefusal` or a network error).
    public func execute(_ request: HTTPClientRequest, timeout: TimeAmount, maxBytes: Int) async throws -> Answer {
        let (host, address) = try await checkedTarget(of: request.url)
        var configuration = HTTPClient.Configuration(redirectConfiguration: .disallow,
                                                     timeout: .init(connect: .seconds(5), read: timeout), decompression: .disabled)
        configuration.dnsOverride = [host: address.description]
        configuration.httpVersion = .http1Only
        let client = HTTPClient(eventLoopGroup: group, configuration: configuration)
        do {
            let answer = try await Self.exchange(request, client: client, timeout: timeout, maxBytes: maxBytes)
            try await client.shutdown()
            return answer
        } catch {
            try? await client.shutdown()
            throw error
        }
    }

    private static func exchange(_ request: HTTPClientRequest, client: HTTPClient, timeout: TimeAmount, maxBytes: Int) async throws -> Answer {
        let response = try await client.execute(request, timeout: timeout)
        let code = Int(response.status.code)
        if (300..<400).contains(code) { throw OutboundRefusal.redirect(status: code) }
        let body: ByteBuffer
        do { body = try await response.body.collect(upTo: maxBytes) } catch is NIOTooManyBytesError { throw OutboundRefusal.answerTooLarge(limit: maxBytes) }
        guard (200..<300).contains(code) else { throw OutboundRefusal.status(code) }
        return Answer(status: code, body: body)
    }

    /// The URL's host and the one address to connect to, once the scheme and every resolved address passed.
    func checkedTarget(of url: String) async throws -> (host: String, address: IPAddress) {
        guard let parsed = URL(string: url), let scheme = parsed.scheme?.lowercased(), var host = parsed.host, !host.isEmpty else {
            throw OutboundRefusal.invalidURL
        }
        guard scheme == "https" || (scheme == "http" && policy.allowsPlainHTTP) else { throw OutboundRefusal.schemeNotAllowed(scheme) }
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        let addresses = try await Self.resolve(host)
        guard let first = addresses.first else { throw OutboundRefusal.unresolved(host) }
        // Every address, not only the first: the connection may use any of them.
        if let refused = addresses.first(where: { !policy.permits($0) }) {
            throw OutboundRefusal.addressNotAllowed(host: host, address: refused.description)
        }
        return (host, first)
    }

    /// The host's addresses as the system resolver gives them (an address literal resolves to itself).
    static func resolve(_ host: String) async throws -> [IPAddress] {
        if let literal = IPAddress(host) { return [literal] }
        // Names only: what the resolver would read as a number ("2130706433", "0x7f.1") or worse is refused.
        guard host.count <= 253, host.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == ".") }),
              host.contains(where: { $0.isLetter }) else { throw OutboundRefusal.invalidURL }
        return try await NIOThreadPool.singleton.runIfActive {
            var hints = addrinfo()
            hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
            var list: UnsafeMutablePointer<addrinfo>?
            guard getaddrinfo(host, nil, &hints, &list) == 0, let head = list else { throw OutboundRefusal.unresolved(host) }
            defer { freeaddrinfo(head) }
            var found: [IPAddress] = []
            var node: UnsafeMutablePointer<addrinfo>? = head
            while let current = node {
                if let sockaddr = current.pointee.ai_addr {
                    switch current.pointee.ai_family {
                    case AF_INET:
                        var addr = sockaddr.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { $0.pointee.sin_addr }
                        found.append(IPAddress(bytes: withUnsafeBytes(of: &addr) { Array($0) }))
                    case AF_INET6:
                        var addr = sockaddr.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { $0.pointee.sin6_addr }
                        found.append(IPAddress(bytes: withUnsafeBytes(of: &addr) { Array($0) }))
                    default: break
                    }
                }
                node = current.pointee.ai_next
            }
            return found
        }
    }
}
