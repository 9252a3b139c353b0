import Foundation
import Storage
import Workflow

/// Where outbox e-mails go: a real SMTP server, or `.eml` files when none is configured (offline demo).
public protocol MailTransport: Sendable {
    /// Returns only once the server accepted the message; throws otherwise.
    func send(_ mail: OutboxMail, id: String) async throws
}

/// Writes each message as an RFC 5322 `.eml` file, e.g. under `data/mail/`, for the demo and for developers.
public struct FileMailTransport: MailTransport {
    public let folder: URL
    public let from: String

    public init(folder: URL, from: String) { self.folder = folder; self.from = from }

    public func send(_ mail: OutboxMail, id: String) async throws {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let stamp = Int(Date().timeIntervalSince1970 * 1000)
        let text = try MailFormat.render(mail, from: from, messageID: id, date: Date())
        try Data(text.utf8).write(to: folder.appendingPathComponent("\(stamp)-\(id).eml"), options: .atomic)
    }
}

/// A message that cannot be written safely: its recipient is not an address `Email` accepts.
public enum MailRefusal: Error, Equatable, CustomStringConvertible {
    case invalidAddress(String)
    public var description: String {
        switch self { case .invalidAddress(let a): "adresse refusée : « \(MailFormat.oneLine(String(a.prefix(80)))) »" }
    }
}

/// RFC 5322 rendering: UTF-8 subject in RFC 2047 encoded words, base64 body and attachments (multipart/mixed)
/// so no line is ever too long. No header is written from an unchecked value: addresses pass `Email`'s check, the
/// subject loses its control characters (a line break there would start a header of the sender's choosing) and
/// is encoded, an attachment's type is a checked token pair and its name is percent-encoded.
public enum MailFormat {
    public static func render(_ mail: OutboxMail, from: String, messageID: String, date: Date) throws -> String {
        let to = try checkedAddress(mail.to)
        let domain = from.split(separator: "@").last.map { String($0).trimmingCharacters(in: CharacterSet(charactersIn: "> ")) } ?? "guichet.localhost"
        let headers = [
            "From: \(try mailbox(from))",
            "To: \(to)",
            "Subject: \(encodedWord(oneLine(String(mail.subject.prefix(250)))))",
            "Date: \(rfc5322(date))",
            "Message-ID: <\(messageID)@\(domain)>",
            "MIME-Version: 1.0",
        ]
        let text = base64(Data(mail.text.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\n", with: "\r\n").utf8))
        let files = mail.attachments.compactMap { a in a.bytes.map { (a, $0) } }
        guard !files.isEmpty else {
            return (headers + ["Content-Type: text/plain; charset=utf-8", "Content-Transfer-Encoding: base64", "", text, ""]).joined(separator: "\r\n")
        }
        // Every part is base64, whose alphabet has no "_": the boundary can never occur inside a part.
        let boundary = "=_guichet_" + String(messageID.unicodeScalars.filter { CharacterSet.alphanumerics.contains($0) && $0.isASCII }.map(Character.init))
        var lines = headers + ["Content-Type: multipart/mixed; boundary=\"\(boundary)\"", "",
                               "--\(boundary)", "Content-Type: text/plain; charset=utf-8", "Content-Transfer-Encoding: base64", "", text]
        for (attachment, bytes) in files {
            lines += ["--\(boundary)",
                      "Content-Type: \(contentType(attachment.contentType))",
                      "Content-Disposition: attachment; filename*=UTF-8''\(percentEncoded(oneLine(String(attachment.filename.prefix(200)))))",
                      "Content-Transfer-Encoding: base64", "", base64(bytes)]
        }
        lines += ["--\(boundary)--", ""]
        return lines.joined(separator: "\r\n")
    }

    static func base64(_ data: Data) -> String {
        data.base64EncodedString(options: [.lineLength76Characters, .endLineWithCarriageReturn, .endLineWithLineFeed])
    }

    /// A MIME type as a header may carry it (`type/subtype`, token characters only); anything else is sent as
    /// plain bytes.
    static func contentType(_ s: String) -> String {
        let allowed = CharacterSet(charactersIn: "abcdefghijklmnopqrstuvwxyz0123456789.+-")
        let parts = s.lowercased().split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, parts.allSatisfy({ !$0.isEmpty && $0.unicodeScalars.allSatisfy(allowed.contains) }) else { return "application/octet-stream" }
        return parts.joined(separator: "/")
    }

    private static let hexDigits = Array("0123456789ABCDEF")

    /// RFC 2231's extended value: UTF-8, every byte but letters, digits and `.-_` percent-encoded.
    static func percentEncoded(_ s: String) -> String {
        s.utf8.map { byte in
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                 UInt8(ascii: "."), UInt8(ascii: "-"), UInt8(ascii: "_"): String(UnicodeScalar(byte))
            default: "%" + String(hexDigits[Int(byte >> 4)]) + String(hexDigits[Int(byte & 15)])
            }
        }.joined()
    }

    private static let utc: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        return calendar
    }()

    /// "Sun, 22 Nov 2026 15:04:05 +0000". Built by hand: a DateFormatter per message cost more than the rest of it.
    static func rfc5322(_ date: Date) -> String {
        let c = utc.dateComponents([.weekday, .day, .month, .year, .hour, .minute, .second], from: date)
        let days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        func two(_ n: Int?) -> String { let n = n ?? 0; return n < 10 ? "0\(n)" : "\(n)" }
        return "\(days[(c.weekday ?? 1) - 1]), \(two(c.day)) \(months[(c.month ?? 1) - 1]) \(c.year ?? 1970) "
            + "\(two(c.hour)):\(two(c.minute)):\(two(c.second)) +0000"
    }

    /// Printable ASCII as is, anything else as one base64 encoded word.
    static func encodedWord(_ s: String) -> String {
        s.unicodeScalars.allSatisfy({ (0x20...0x7E).contains($0.value) }) ? s : "=?UTF-8?B?\(Data(s.utf8).base64EncodedString())?="
    }

    /// Control characters (CR, LF, tab, and Unicode's line and paragraph separators) become spaces.
    static func oneLine(_ s: String) -> String {
        String(String.UnicodeScalarView(s.unicodeScalars.map { scalar in
            scalar.properties.generalCategory == .control || scalar.value == 0x2028 || scalar.value == 0x2029 ? " " : scalar
        }))
    }

    /// "Name <addr>" with the name encoded when it is not plain ASCII, or the bare address.
    static func mailbox(_ s: String) throws -> String {
        let bare = try checkedAddress(s)
        guard let open = s.lastIndex(of: "<") else { return bare }
        let name = oneLine(String(s[..<open])).trimmingCharacters(in: .whitespaces)
        return name.isEmpty ? bare : "\(encodedWord(name)) <\(bare)>"
    }

    /// The bare address of "Name <addr>" or "addr", refused unless it passes `Email`'s check.
    public static func checkedAddress(_ s: String) throws -> String {
        let bare = address(s)
        guard Email.isValid(bare) else { throw MailRefusal.invalidAddress(s) }
        return bare
    }

    /// The bare address of "Name <addr>" or "addr", for the SMTP envelope.
    static func address(_ s: String) -> String {
        if let open = s.lastIndex(of: "<"), let close = s.lastIndex(of: ">"), open < close {
            return String(s[s.index(after: open)..<close])
        }
        return s.trimmingCharacters(in: .whitespaces)
    }
}
