import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// An IPv4 or IPv6 address as its bytes (4 or 16), with the classification the outbound client needs.
public struct IPAddress: Sendable, Equatable, CustomStringConvertible {
    public let bytes: [UInt8]

    public init?(_ text: String) {
        var v4 = in_addr()
        var v6 = in6_addr()
        // inet_pton, not inet_aton: "0x7f.1" and "2130706433" are not addresses here (the resolver turns such
        // host names into real addresses, which are checked in turn).
        if inet_pton(AF_INET, text, &v4) == 1 {
            bytes = withUnsafeBytes(of: &v4) { Array($0) }
        } else if inet_pton(AF_INET6, text, &v6) == 1 {
            bytes = withUnsafeBytes(of: &v6) { Array($0) }
        } else {
            return nil
        }
    }

    init(bytes: [UInt8]) { self.bytes = bytes }

    public var description: String {
        var buffer = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
        var copy = bytes
        let family = bytes.count == 4 ? AF_INET : AF_INET6
        guard inet_ntop(family, &copy, &buffer, socklen_t(buffer.count)) != nil else { return "?" }
        return String(cString: buffer)
    }

    /// The IPv4 address an IPv6 one carries (IPv4-mapped `::ffff:a.b.c.d`, NAT64 `64:ff9b::a.b.c.d`, the
    /// deprecated compatible `::a.b.c.d`): such addresses reach the IPv4 host, so they are judged as it.
    var embeddedIPv4: IPAddress? {
        guard bytes.count == 16 else { return nil }
        let head = Array(bytes[0..<12])
        if head == [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff] || head == [0, 0x64, 0xff, 0x9b, 0, 0, 0, 0, 0, 0, 0, 0]
            || head == [UInt8](repeating: 0, count: 12) && bytes[12...].contains(where: { $0 != 0 }) {
            return IPAddress(bytes: Array(bytes[12...]))
        }
        return nil
    }

    /// Whether the address is on the public Internet: not loopback, private, link-local (where cloud metadata
    /// services answer, 169.254.169.254), carrier-grade NAT, multicast, reserved or documentation.
    public var isPublic: Bool {
        if let v4 = embeddedIPv4 { return v4.isPublic }
        let reserved = bytes.count == 4 ? IPNetwork.reservedIPv4 : IPNetwork.reservedIPv6
        return !reserved.contains { $0.contains(self) }
    }
}

/// A CIDR block, "10.0.0.0/8" or "fd00::/8".
public struct IPNetwork: Sendable, Equatable, CustomStringConvertible {
    let base: IPAddress
    let prefix: Int

    public init?(_ text: String) {
        let parts = text.split(separator: "/", maxSplits: 1).map(String.init)
        guard let first = parts.first, let base = IPAddress(first.trimmingCharacters(in: .whitespaces)) else { return nil }
        let bits = base.bytes.count * 8
        let prefix = parts.count == 2 ? Int(parts[1].trimmingCharacters(in: .whitespaces)) : bits
        guard let prefix, (0...bits).contains(prefix) else { return nil }
        self.base = base; self.prefix = prefix
    }

    public var description: String { "\(base)/\(prefix)" }

    public func contains(_ address: IPAddress) -> Bool {
        guard address.bytes.count == base.bytes.count else { return false }
        var remaining = prefix
        for (a, b) in zip(address.bytes, base.bytes) where remaining > 0 {
            let take = min(8, remaining)
            let mask = UInt8(truncatingIfNeeded: 0xff << (8 - take))
            if a & mask != b & mask { return false }
            remaining -= take
        }
        return true
    }

    // IANA special-purpose registries (RFC 6890 and successors): everything not globally reachable.
    static let reservedIPv4: [IPNetwork] = [
        "0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16", "172.16.0.0/12", "192.0.0.0/24",
        "192.0.2.0/24", "192.88.99.0/24", "192.168.0.0/16", "198.18.0.0/15", "198.51.100.0/24", "203.0.113.0/24",
        "224.0.0.0/4", "240.0.0.0/4",
    ].compactMap(IPNetwork.init)
    static let reservedIPv6: [IPNetwork] = [
        "::/128", "::1/128", "100::/64", "2001::/23", "2001:db8::/32", "2002::/16", "fc00::/7", "fe80::/10", "fec0::/10", "ff00::/8",
    ].compactMap(IPNetwork.init)
}
