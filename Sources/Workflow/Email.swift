import Foundation

/// E-mail addresses: a pragmatic check (one @, a dotted domain, printable ASCII without spaces), not RFC 5322's
/// full grammar. Every address a message is sent to passes it, so none can carry a line break into a header or
/// an SMTP command. It lives in Workflow, the lowest target that sends mail (its e-mail actions), so forms,
/// accounts and the outbox share it.
public enum Email {
    public static func isValid(_ s: String) -> Bool {
        let bytes = Array(s.utf8)
        guard bytes.count <= 254, let at = bytes.firstIndex(of: UInt8(ascii: "@")) else { return false }
        let local = bytes[..<at], domain = bytes[(at + 1)...]
        guard !local.isEmpty, local.first != UInt8(ascii: "."), local.allSatisfy(isLocalByte) else { return false }
        let labels = domain.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
        guard labels.count >= 2 else { return false }
        return labels.allSatisfy(isDomainLabel) && !s.contains("..")
    }

    private static func isAlnum(_ b: UInt8) -> Bool { (0x30...0x39).contains(b) || (0x41...0x5A).contains(b) || (0x61...0x7A).contains(b) }
    private static let localPunctuation = Set("!#$%&'*+/=?^_`{|}~-.".utf8)
    private static func isLocalByte(_ b: UInt8) -> Bool { isAlnum(b) || localPunctuation.contains(b) }

    /// 1 to 63 letters, digits or hyphens, neither first nor last a hyphen.
    private static func isDomainLabel(_ label: ArraySlice<UInt8>) -> Bool {
        guard (1...63).contains(label.count), let first = label.first, let last = label.last,
              isAlnum(first), isAlnum(last) else { return false }
        return label.allSatisfy { isAlnum($0) || $0 == UInt8(ascii: "-") }
    }
}
