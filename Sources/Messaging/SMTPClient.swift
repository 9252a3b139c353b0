import Foundation
import NIOCore
import NIOPosix
import NIOSSL
import Storage

public enum SMTPError: Error, CustomStringConvertible {
    case unexpectedReply(step: String, code: Int, text: String)
    case startTLSUnavailable
    case refusingCleartextAuth
    case noSupportedAuth
    case timeout(step: String)
    case connectionClosed

    public var description: String {
        switch self {
        case .unexpectedReply(let step, let code, let text): "SMTP \(step): \(code) \(text)"
        case .startTLSUnavailable: "SMTP: the server does not offer STARTTLS"
        case .refusingCleartextAuth: "SMTP: refusing to send credentials without TLS (use starttls=never to allow)"
        case .noSupportedAuth: "SMTP: the server offers neither AUTH PLAIN nor AUTH LOGIN"
        case .timeout(let step): "SMTP \(step): no reply in time"
        case .connectionClosed: "SMTP: connection closed by the server"
        }
    }
}

/// Delivers one message per connection: simple, robust to server restarts, and fast enough for a city's mail.
public struct SMTPTransport: MailTransport {
    let configuration: SMTPConfiguration
    let from: String
    let group: any EventLoopGroup

    public init(configuration: SMTPConfiguration, from: String, group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton) {
        self.configuration = configuration; self.from = from; self.group = group
    }

    public func send(_ mail: OutboxMail, id: String) async throws {
        // Every command and header is built from checked values, before connecting: a refused address costs no
        // connection and cannot reach the server.
        let sender = try MailFormat.checkedAddress(from)
        let recipient = try MailFormat.checkedAddress(mail.to)
        let message = try MailFormat.render(mail, from: from, messageID: id, date: Date())
        let config = configuration
        let tls = try NIOSSLContext(configuration: {
            var c = TLSConfiguration.makeClientConfiguration()
            if !config.verifyCertificates { c.certificateVerification = .none }
            return c
        }())
        // SNI takes a host name; an IP address (a relay on the local network) is sent none.
        let serverName: String? = config.host.contains(":") || config.host.allSatisfy({ $0 == "." || ("0"..."9").contains($0) }) ? nil : config.host
        let handler = ReplyHandler()
        let channel = try await ClientBootstrap(group: group)
            .connectTimeout(.seconds(10))
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    if config.implicitTLS {
                        try channel.pipeline.syncOperations.addHandler(try NIOSSLClientHandler(context: tls, serverHostname: serverName))
                    }
                    try channel.pipeline.syncOperations.addHandler(handler)
                }
            }
            .connect(host: config.host, port: config.port).get()
        let session = Session(channel: channel, handler: handler)
        do {
            try await session.expect(nil, step: "greeting", 220)
            var features = try await session.expect("EHLO \(config.heloName)", step: "EHLO", 250).lines
            var secured = config.implicitTLS
            let offersTLS = features.contains { $0.uppercased().hasPrefix("STARTTLS") }
            if config.startTLS == .always || (config.startTLS == .auto && offersTLS) {
                guard offersTLS else { throw SMTPError.startTLSUnavailable }
                try await session.expect("STARTTLS", step: "STARTTLS", 220)
                try await channel.eventLoop.submit {
                    try channel.pipeline.syncOperations.addHandler(try NIOSSLClientHandler(context: tls, serverHostname: serverName),
                                                                   position: .first)
                }.get()
                secured = true
                features = try await session.expect("EHLO \(config.heloName)", step: "EHLO", 250).lines
            }
            if let user = config.username, let password = config.password {
                guard secured || config.startTLS == .never else { throw SMTPError.refusingCleartextAuth }
                let auth = features.first { $0.uppercased().hasPrefix("AUTH") }?.uppercased() ?? ""
                if auth.contains("PLAIN") {
                    let token = Data("\0\(user)\0\(password)".utf8).base64EncodedString()
                    try await session.expect("AUTH PLAIN \(token)", step: "AUTH", 235)
                } else if auth.contains("LOGIN") {
                    try await session.expect("AUTH LOGIN", step: "AUTH", 334)
                    try await session.expect(Data(user.utf8).base64EncodedString(), step: "AUTH", 334)
                    try await session.expect(Data(password.utf8).base64EncodedString(), step: "AUTH", 235)
                } else { throw SMTPError.noSupportedAuth }
            }
            try await session.expect("MAIL FROM:<\(sender)>", step: "MAIL FROM", 250)
            try await session.expect("RCPT TO:<\(recipient)>", step: "RCPT TO", 250, 251)
            try await session.expect("DATA", step: "DATA", 354)
            let stuffed = message.split(separator: "\r\n", omittingEmptySubsequences: false)
                .map { $0.hasPrefix(".") ? "." + $0 : String($0) }.joined(separator: "\r\n")
            try await session.expect(stuffed + "\r\n.", step: "end of DATA", 250)
            _ = try? await session.expect("QUIT", step: "QUIT", 221)
        } catch {
            try? await channel.close()
            throw error
        }
        try? await channel.close()
    }
}

struct Reply: Sendable {
    var code: Int
    var lines: [String]
}

/// One command at a time: send a line, wait for the complete (possibly multi-line) reply.
struct Session {
    let channel: any Channel
    let handler: ReplyHandler

    @discardableResult
    func expect(_ command: String?, step: String, _ codes: Int...) async throws -> Reply {
        let promise = channel.eventLoop.makePromise(of: Reply.self)
        let handler = self.handler
        let timeout = channel.eventLoop.scheduleTask(in: .seconds(60)) { promise.fail(SMTPError.timeout(step: step)) }
        channel.eventLoop.execute { handler.await(promise) }
        if let command { channel.writeAndFlush(ByteBuffer(string: command + "\r\n"), promise: nil) }
        defer { timeout.cancel() }
        let reply = try await promise.futureResult.get()
        guard codes.contains(reply.code) else {
            throw SMTPError.unexpectedReply(step: step, code: reply.code, text: reply.lines.joined(separator: " "))
        }
        return reply
    }
}

/// Parses replies ("250-first", "250 last") and hands each complete one to the oldest waiter. Its state is only
/// touched on the channel's event loop.
final class ReplyHandler: ChannelInboundHandler, @unchecked Sendable {
    typealias InboundIn = ByteBuffer

    private var partial = ""
    private var lines: [String] = []
    private var ready: [Reply] = []
    private var waiters: [EventLoopPromise<Reply>] = []
    /// Set once the connection failed or closed: later waiters fail at once instead of timing out.
    private var terminal: (any Error)?

    func await(_ promise: EventLoopPromise<Reply>) {
        if !ready.isEmpty { promise.succeed(ready.removeFirst()) }
        else if let terminal { promise.fail(terminal) }
        else { waiters.append(promise) }
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var buffer = unwrapInboundIn(data)
        partial += buffer.readString(length: buffer.readableBytes) ?? ""
        while let end = partial.range(of: "\r\n") {
            let line = String(partial[..<end.lowerBound])
            partial.removeSubrange(..<end.upperBound)
            let chars = Array(line)
            guard chars.count >= 3, let code = Int(String(chars[0..<3])) else { continue }
            lines.append(chars.count > 4 ? String(chars[4...]) : "")
            if chars.count == 3 || chars[3] == " " {
                let reply = Reply(code: code, lines: lines)
                lines = []
                if waiters.isEmpty { ready.append(reply) } else { waiters.removeFirst().succeed(reply) }
            }
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        failAll(error)
        context.close(promise: nil)
    }

    func channelInactive(context: ChannelHandlerContext) {
        failAll(SMTPError.connectionClosed)
        context.fireChannelInactive()
    }

    private func failAll(_ error: any Error) {
        if terminal == nil { terminal = error }
        let pending = waiters
        waiters = []
        pending.forEach { $0.fail(error) }
    }
}
