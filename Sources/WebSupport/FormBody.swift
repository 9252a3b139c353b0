import Codecs
import Demarches
import MultipartKit
import Vapor

/// A posted HTML form, parsed once (URL-encoded or multipart) by `FormMiddleware`.
public struct FormBody: Sendable {
    public var raw: RawSubmission
    public func value(_ key: String) -> String { raw.first(key) }
    public func values(_ key: String) -> [String] { raw.values[key] ?? [] }

    static func parse(_ req: Request) throws -> FormBody {
        guard let body = req.body.data else { return FormBody(raw: RawSubmission()) }
        guard let contentType = req.headers.contentType else { throw Abort(.unsupportedMediaType) }
        if contentType.type == "multipart", contentType.subType == "form-data", let boundary = contentType.parameters["boundary"] {
            return FormBody(raw: try parseMultipart(body, boundary: boundary))
        }
        if contentType == .urlEncodedForm {
            return FormBody(raw: RawSubmission(values: parseURLEncoded(String(buffer: body))))
        }
        throw Abort(.unsupportedMediaType)
    }

    public static func parseURLEncoded(_ text: String) -> [String: [String]] {
        var values: [String: [String]] = [:]
        for pair in text.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            func decode(_ s: Substring) -> String { FormURLEncoding.decode(s) ?? "" }
            let key = decode(parts[0])
            values[key, default: []].append(parts.count > 1 ? lineEnds(decode(parts[1])) : "")
        }
        return values
    }

    /// Browsers send a textarea's lines ended by CR LF (the HTML standard's form encoding): one kind of line end is
    /// kept, so lengths count what people typed and messages read the same in pages and e-mails.
    static func lineEnds(_ text: String) -> String {
        text.contains("\r") ? text.replacingOccurrences(of: "\r\n", with: "\n") : text
    }

    static func parseMultipart(_ body: ByteBuffer, boundary: String) throws -> RawSubmission {
        final class Collector {
            var raw = RawSubmission()
            var name = ""
            var filename: String?
            var bytes: [UInt8] = []
        }
        let c = Collector()
        let parser = MultipartParser(boundary: boundary)
        parser.onHeader = { field, value in
            guard field.lowercased() == "content-disposition" else { return }
            for param in value.split(separator: ";").map({ $0.trimmingCharacters(in: .whitespaces) }) {
                if param.hasPrefix("name=") { c.name = String(param.dropFirst(5)).trimmingCharacters(in: CharacterSet(charactersIn: "\"")) }
                if param.hasPrefix("filename=") { c.filename = String(param.dropFirst(9)).trimmingCharacters(in: CharacterSet(charactersIn: "\"")) }
            }
        }
        parser.onBody = { buffer in c.bytes += buffer.readBytes(length: buffer.readableBytes) ?? [] }
        parser.onPartComplete = {
            if let filename = c.filename {
                if !filename.isEmpty || !c.bytes.isEmpty {
                    c.raw.files[c.name, default: []].append(UploadedFile(filename: filename, bytes: c.bytes))
                }
            } else {
                c.raw.values[c.name, default: []].append(lineEnds(String(decoding: c.bytes, as: UTF8.self)))
            }
            c.name = ""; c.filename = nil; c.bytes = []
        }
        try parser.execute(body)
        return c.raw
    }
}

struct FormBodyKey: StorageKey { typealias Value = FormBody }
struct FormTooLargeKey: StorageKey { typealias Value = Int }

extension Request {
    /// The parsed form of a POST that went through `FormMiddleware`.
    public var form: FormBody { storage[FormBodyKey.self] ?? FormBody(raw: RawSubmission()) }

    /// The limit a posted form went over, unread (`FormMiddleware(tooLargeToHandler:)`); nil when it was read.
    public var formTooLarge: Int? { storage[FormTooLargeKey.self] }
}

/// Parses posted forms and checks their CSRF token (`CSRF`) before any handler runs:
/// a state-changing form without the right token changes nothing.
public struct FormMiddleware: AsyncMiddleware {
    let maxBytes: Int?
    let tooLargeToHandler: Bool

    /// - Parameters:
    ///   - maxBytes: the largest body these forms take; nil is the server's default (forms with files). Forms
    ///     without files (sign-in, follow-up) take far less, so nobody makes the server read 20 MB of them.
    ///   - tooLargeToHandler: a body over the limit reaches the handler unread (`Request.formTooLarge`, an empty
    ///     form, no CSRF check) instead of an error page, so it can draw its page again with what it kept. Such a
    ///     handler must change nothing for it.
    public init(maxBytes: Int? = nil, tooLargeToHandler: Bool = false) {
        self.maxBytes = maxBytes; self.tooLargeToHandler = tooLargeToHandler
    }

    /// A body limit as people read it: « 22 Mo ».
    public static func size(_ bytes: Int) -> String { bytes >= 1 << 20 ? "\(bytes >> 20) Mo" : "\(bytes >> 10) Ko" }

    /// What forms without files take: a few fields.
    public static let smallForms = 64 << 10

    public func respond(to req: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        if req.method == .POST {
            // Route middleware runs before Vapor collects a streamed body for the handler: collect it here, or a
            // form sent in several packets (any real browser's multipart upload) would look empty.
            let limit = maxBytes ?? req.application.routes.defaultMaxBodySize.value
            // A body Vapor collected already (a small request in one packet) is checked too.
            do {
                let body = try await req.body.collect(max: limit).get()
                if (body?.readableBytes ?? 0) > limit { throw Abort(.payloadTooLarge) }
            } catch {
                if tooLargeToHandler {
                    req.storage[FormTooLargeKey.self] = limit
                    return try await next.respond(to: req)
                }
                return req.guichet.renderer.errorPage(.payloadTooLarge, "Le formulaire envoyé est trop volumineux (\(FormMiddleware.size(limit)) au plus).")
            }
            let form: FormBody
            do { form = try FormBody.parse(req) } catch { return req.guichet.renderer.errorPage(.badRequest, "Le formulaire envoyé est illisible.") }
            guard CSRF.accepts(form.value(CSRF.fieldName), from: req) else {
                return req.guichet.renderer.errorPage(.forbidden,
                    "Votre session a expiré ou le formulaire a été envoyé depuis un autre site. Rechargez la page et recommencez.")
            }
            req.storage[FormBodyKey.self] = form
        }
        return try await next.respond(to: req)
    }
}
