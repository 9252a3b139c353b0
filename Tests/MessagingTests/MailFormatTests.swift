import Foundation
import Messaging
import Storage
import XCTest

final class MailFormatTests: XCTestCase {
    func testMessagesAreValidRFC5322WithUTF8() throws {
        let text = try MailFormat.render(OutboxMail(to: "jean@exemple.fr", subject: "Votre demande a été reçue", text: "Ligne 1\nLigne 2 é"),
                                     from: "Guichet <ne-pas-repondre@guichet.example>", messageID: "abc", date: Date(timeIntervalSince1970: 0))
        XCTAssertTrue(text.contains("Subject: =?UTF-8?B?\(Data("Votre demande a été reçue".utf8).base64EncodedString())?=\r\n"))
        XCTAssertTrue(text.contains("Message-ID: <abc@guichet.example>\r\n"))
        XCTAssertTrue(text.contains("Date: Thu, 01 Jan 1970 00:00:00 +0000\r\n"))
        XCTAssertTrue(text.split(separator: "\r\n", omittingEmptySubsequences: false).allSatisfy { $0.count <= 998 })
        let body = String(text[text.range(of: "\r\n\r\n")!.upperBound...]).filter { !$0.isWhitespace }
        XCTAssertEqual(Data(base64Encoded: body).map { String(decoding: $0, as: UTF8.self) }, "Ligne 1\r\nLigne 2 é")
    }

    func testDatesAreRFC5322InUTC() throws {
        func date(_ seconds: TimeInterval) throws -> String {
            let text = try MailFormat.render(OutboxMail(to: "a@b.fr", subject: "s", text: ""), from: "a@b.fr", messageID: "1",
                                         date: Date(timeIntervalSince1970: seconds))
            return text.split(separator: "\r\n").first { $0.hasPrefix("Date: ") }.map(String.init) ?? ""
        }
        XCTAssertEqual(try date(1_795_359_845), "Date: Sun, 22 Nov 2026 15:04:05 +0000")
        XCTAssertEqual(try date(1_709_197_200), "Date: Thu, 29 Feb 2024 09:00:00 +0000")
    }

    func testASCIISubjectsStayReadable() throws {
        let text = try MailFormat.render(OutboxMail(to: "a@b.fr", subject: "Hello", text: ""), from: "a@b.fr", messageID: "1", date: Date())
        XCTAssertTrue(text.contains("Subject: Hello\r\n"))
    }

    /// A line break in a subject (from a citizen's answer) or a recipient would start headers of the attacker's
    /// choosing; the subject keeps one line, the address is refused.
    func testNoValueCanStartAHeader() throws {
        let smuggled = "Demande\r\nBcc: pirate@evil.example\nX-Spam: 1\u{2028}Y: 2"
        let text = try MailFormat.render(OutboxMail(to: "a@b.fr", subject: smuggled, text: "corps"), from: "Métropole de Lyon <guichet@lyon.fr>",
                                         messageID: "1", date: Date())
        let headers = text[..<text.range(of: "\r\n\r\n")!.lowerBound].split(separator: "\r\n").map(String.init)
        XCTAssertEqual(headers.map { $0.prefix { $0 != ":" } }, ["From", "To", "Subject", "Date", "Message-ID", "MIME-Version", "Content-Type", "Content-Transfer-Encoding"])
        let subject = try XCTUnwrap(headers.first { $0.hasPrefix("Subject: ") })
        XCTAssertEqual(subject, "Subject: Demande  Bcc: pirate@evil.example X-Spam: 1 Y: 2", "one line, plain ASCII once the breaks are gone")
        XCTAssertEqual(headers.first, "From: =?UTF-8?B?\(Data("Métropole de Lyon".utf8).base64EncodedString())?= <guichet@lyon.fr>")
        for to in ["a@b.fr\r\nBcc: pirate@evil.example", "a@b.fr>\r\nRCPT TO:<pirate@evil.example", "a b@c.fr", "sans-arobase", ""] {
            XCTAssertThrowsError(try MailFormat.render(OutboxMail(to: to, subject: "s", text: ""), from: "a@b.fr", messageID: "1", date: Date()), to)
        }
    }

    func testSMTPURLs() throws {
        let plain = try XCTUnwrap(SMTPConfiguration(url: "smtp://mail.exemple.fr"))
        XCTAssertEqual(plain.port, 25)
        XCTAssertEqual(plain.startTLS, .auto)
        XCTAssertTrue(plain.verifyCertificates)
        XCTAssertNil(plain.username)
        let full = try XCTUnwrap(SMTPConfiguration(url: "smtp://guichet%40lyon:p%40ss@mail.exemple.fr:587?starttls=always&verify=false"))
        XCTAssertEqual(full.username, "guichet@lyon")
        XCTAssertEqual(full.password, "p@ss")
        XCTAssertEqual(full.port, 587)
        XCTAssertEqual(full.startTLS, .always)
        XCTAssertFalse(full.verifyCertificates)
        let implicit = try XCTUnwrap(SMTPConfiguration(url: "smtps://mail.exemple.fr"))
        XCTAssertEqual(implicit.port, 465)
        XCTAssertTrue(implicit.implicitTLS)
        XCTAssertNil(SMTPConfiguration(url: "http://mail.exemple.fr"))
        XCTAssertNil(SMTPConfiguration(url: "smtp://mail.exemple.fr?starttls=peut-etre"))
    }

    func testBackoffGrowsThenCaps() {
        XCTAssertEqual(OutboxWorker.backoff(attempts: 1), 30)
        XCTAssertEqual(OutboxWorker.backoff(attempts: 2), 60)
        XCTAssertEqual(OutboxWorker.backoff(attempts: 5), 480)
        XCTAssertEqual(OutboxWorker.backoff(attempts: 20), 3600)
    }
}

/// Attachments (a relay's photo): multipart/mixed whose every part is base64, the file read back intact, and no
/// header written from what a citizen chose (the file's name and declared type).
final class MailAttachmentTests: XCTestCase {
    func mail(filename: String, contentType: String, bytes: Data) -> OutboxMail {
        var attachment = MailAttachment(fileID: "f1", filename: filename, contentType: contentType)
        attachment.bytes = bytes
        return OutboxMail(to: "mairie@exemple.fr", subject: "Relais", text: "Bonjour", attachments: [attachment])
    }

    func parts(_ text: String) throws -> [String] {
        let boundary = try XCTUnwrap(text.range(of: "boundary=\"").map { text[$0.upperBound...].prefix { $0 != "\"" } })
        return text.components(separatedBy: "--" + boundary).dropFirst().dropLast().map { $0 }
    }

    func testTheFileTravelsIntactInItsOwnPart() throws {
        let bytes = Data((0..<3000).map { UInt8($0 % 256) })
        let text = try MailFormat.render(mail(filename: "plan n°2.pdf", contentType: "application/pdf", bytes: bytes),
                                         from: "guichet@exemple.fr", messageID: "m-1", date: Date())
        let parts = try parts(text)
        XCTAssertEqual(parts.count, 2)
        XCTAssertTrue(parts[1].contains("Content-Type: application/pdf\r\n"))
        XCTAssertTrue(parts[1].contains("filename*=UTF-8''plan%20n%C2%B02.pdf\r\n"))
        let body = String(parts[1][try XCTUnwrap(parts[1].range(of: "\r\n\r\n")).upperBound...]).filter { !$0.isWhitespace }
        XCTAssertEqual(Data(base64Encoded: body), bytes)
        XCTAssertTrue(text.split(separator: "\r\n", omittingEmptySubsequences: false).allSatisfy { $0.count <= 998 })
    }

    func testANameOrTypeCannotWriteAHeader() throws {
        let text = try MailFormat.render(mail(filename: "a.png\r\nBcc: x@evil.fr", contentType: "image/png\r\nBcc: x@evil.fr", bytes: Data([1, 2])),
                                         from: "guichet@exemple.fr", messageID: "m-2", date: Date())
        XCTAssertFalse(text.contains("\r\nBcc:"))
        XCTAssertTrue(text.contains("Content-Type: application/octet-stream\r\n"))
        XCTAssertTrue(text.contains("filename*=UTF-8''a.png%20%20Bcc%3A%20x%40evil.fr\r\n"), text)
    }

    func testAnAttachmentWithoutItsBytesLeavesAPlainMessage() throws {
        let plain = OutboxMail(to: "mairie@exemple.fr", subject: "Relais", text: "Bonjour",
                               attachments: [MailAttachment(fileID: "f1", filename: "a.png", contentType: "image/png")])
        let text = try MailFormat.render(plain, from: "guichet@exemple.fr", messageID: "m-3", date: Date())
        XCTAssertTrue(text.contains("Content-Type: text/plain; charset=utf-8\r\n"))
        XCTAssertFalse(text.contains("multipart"))
    }
}
