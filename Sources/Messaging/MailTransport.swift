import Foundation
import Storage

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
        let text = MailFormat.render(mail, from: from, messageID: id, date: Date())
        try Data(text.utf8).write(to: folder.appendingPathComponent("\(stamp)-\(id).eml"), options: .atomic)
    }
}

/// RFC 5322 rendering: UTF-8 subject in RFC 2047 encoded words, base64 body so no line is ever too long.
public enum MailFormat {
    public static func render(_ mail: OutboxMail, from: String, messageID: String, date: Date) -> String {
        let domain = from.split(separator: "@").last.map { String($0).trimmingCharacters(in: CharacterSet(charactersIn: "> ")) } ?? "guichet.localhost"
        let body = Data(mail.text.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\n", with: "\r\n").utf8)
            .base64EncodedString(options: [.lineLength76Characters, .endLineWithCarriageReturn, .endLineWithLineFeed])
        return [
            "From: \(from)",
            "To: \(mail.to)",
            "Subject: \(encodedWord(mail.subject))",
            "Date: \(rfc5322(date))",
            "Message-ID: <\(messageID)@\(domain)>",
            "MIME-Version: 1.0",
            "Content-Type: text/plain; charset=utf-8",
            "Content-Transfer-Encoding: base64",
            "",
            body,
            "",
        ].joined(separator: "\r\n")
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

    static func encodedWord(_ s: String) -> String {
        s.allSatisfy { $0.isASCII } ? s : "=?UTF-8?B?\(Data(s.utf8).base64EncodedString())?="
    }

    /// The bare address of "Name <addr>" or "addr", for the SMTP envelope.
    static func address(_ s: String) -> String {
        if let open = s.lastIndex(of: "<"), let close = s.lastIndex(of: ">"), open < close {
            return String(s[s.index(after: open)..<close])
        }
        return s.trimmingCharacters(in: .whitespaces)
    }
}
