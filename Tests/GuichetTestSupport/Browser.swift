import Foundation
import GuichetApp
import Identity
import Vapor
import XCTVapor

/// A minimal browser over the in-memory app: keeps cookies, follows nothing by itself, and sends the CSRF token
/// of the last page it saw with each form, as a real browser submitting that page would.
public final class Browser: @unchecked Sendable {
    let app: Application
    let clock: TestClock
    public private(set) var cookies: [String: String] = [:]
    public private(set) var csrf = ""

    init(app: Application, clock: TestClock) { self.app = app; self.clock = clock }

    public struct Page: Sendable {
        public var status: HTTPStatus
        public var headers: HTTPHeaders
        public var body: String
        public var location: String? { headers.first(name: .location) }
        public func contains(_ s: String) -> Bool { body.contains(s) }
        /// The text of the first element with this id, e.g. `text(id: "numero")`.
        public func text(id: String) -> String? {
            guard let start = body.range(of: "id=\"\(id)\"") else { return nil }
            guard let open = body[start.upperBound...].firstIndex(of: ">") else { return nil }
            let rest = body[body.index(after: open)...]
            guard let close = rest.firstIndex(of: "<") else { return nil }
            return String(rest[..<close])
        }
        /// The value of the first `<input>` with this name (a hidden one-time token, for instance).
        public func inputValue(name: String) -> String? {
            body.firstMatch(of: try! Regex("<input type=\"hidden\" name=\"\(name)\" value=\"([^\"]*)\"")).flatMap { $0.output[1].substring.map(String.init) }
        }
        /// The text of the `<textarea>` with this id, as the page writes it (HTML-escaped).
        public func textareaValue(_ id: String) -> String? {
            guard let start = body.range(of: "<textarea id=\"\(id)\""),
                  let open = body[start.upperBound...].firstIndex(of: ">"),
                  let close = body[open...].range(of: "</textarea>") else { return nil }
            return String(body[body.index(after: open)..<close.lowerBound])
        }
        /// French error messages shown beside fields, by field id.
        public var fieldErrors: [String: String] {
            var errors: [String: String] = [:]
            for match in body.matches(of: /class="error" id="erreur-([a-z0-9_.]+)">([^<]*)</) { errors[String(match.1)] = String(match.2) }
            return errors
        }
    }

    @discardableResult
    public func get(_ path: String, headers: HTTPHeaders = [:]) async throws -> Page {
        try await send(.GET, path, headers: headers, body: ByteBuffer())
    }

    /// Posts a URL-encoded form; `withCSRF: false` leaves the token out (a forged request).
    @discardableResult
    public func post(_ path: String, _ fields: [(String, String)], withCSRF: Bool = true, headers: HTTPHeaders = [:]) async throws -> Page {
        let all = (withCSRF ? [("_csrf", csrf)] : []) + fields
        let body = all.map { "\(Self.encode($0.0))=\(Self.encode($0.1))" }.joined(separator: "&")
        var headers = headers
        headers.contentType = .urlEncodedForm
        return try await send(.POST, path, headers: headers, body: ByteBuffer(string: body))
    }

    /// Posts a multipart form, as the démarche forms do.
    @discardableResult
    public func postMultipart(_ path: String, _ fields: [(String, String)], files: [(field: String, filename: String, bytes: [UInt8])] = [],
                              withCSRF: Bool = true) async throws -> Page {
        let boundary = "----guichet-test-\(UUID().uuidString)"
        var body = ByteBuffer()
        for (name, value) in (withCSRF ? [("_csrf", csrf)] : []) + fields {
            body.writeString("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"\r\n\r\n\(value)\r\n")
        }
        for file in files {
            body.writeString("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(file.field)\"; filename=\"\(file.filename)\"\r\nContent-Type: application/octet-stream\r\n\r\n")
            body.writeBytes(file.bytes)
            body.writeString("\r\n")
        }
        body.writeString("--\(boundary)--\r\n")
        var headers = HTTPHeaders()
        headers.replaceOrAdd(name: .contentType, value: "multipart/form-data; boundary=\(boundary)")
        return try await send(.POST, path, headers: headers, body: body)
    }

    /// Sends JSON (API calls).
    @discardableResult
    public func json(_ method: HTTPMethod, _ path: String, _ object: Any? = nil, headers: HTTPHeaders = [:]) async throws -> Page {
        var headers = headers
        var body = ByteBuffer()
        if let object {
            headers.contentType = .json
            body = ByteBuffer(data: try JSONSerialization.data(withJSONObject: object))
        }
        return try await send(method, path, headers: headers, body: body)
    }

    /// `userAgent`: the browser it says it is, for the sessions and journal that name it.
    public func signIn(_ email: String, password: String, userAgent: String? = nil) async throws -> Page {
        let headers: HTTPHeaders = userAgent.map { ["User-Agent": $0] } ?? [:]
        try await get("/compte/connexion", headers: headers)
        let answer = try await post("/compte/connexion", [("email", email), ("password", password), ("retour", "/compte")], headers: headers)
        guard answer.location == "/compte/connexion/code" else { return answer }
        // The demo agents' keys are known (`DemoData.secondFactorKey`): the code is typed as their phone shows it.
        return try await typeSecondFactor(DemoData.secondFactorKey(for: email.lowercased()), on: "/compte/connexion/code", to: "/compte/connexion/code")
    }

    /// Sets a second factor up as a person would: reads the key the setup page shows, types a code of it. Returns
    /// the key and the page with the recovery codes.
    public func setUpSecondFactor() async throws -> (key: TOTPKey, page: Page) {
        let setup = try await get("/compte/double-authentification")
        guard let shown = setup.text(id: "cle"), let bytes = Base32.decode(shown) else { throw NoSetupPage(status: setup.status) }
        let key = TOTPKey(key: bytes)
        return (key, try await typeSecondFactor(key, on: "/compte/double-authentification", to: "/compte/double-authentification/activer"))
    }

    public struct NoSetupPage: Error { public var status: HTTPStatus }

    /// Opens `page` and types the authenticator's current code into its form (posted to `action`), half a minute
    /// after the last one: a code is good once, so the test clock moves on to the next.
    public func typeSecondFactor(_ key: TOTPKey, on page: String, to action: String, fields: [(String, String)] = []) async throws -> Page {
        clock.advance(30)
        try await get(page)
        return try await post(action, [("code", key.code(step: TOTPKey.step(at: clock.now)))] + fields)
    }

    private func send(_ method: HTTPMethod, _ path: String, headers: HTTPHeaders, body: ByteBuffer) async throws -> Page {
        var headers = headers
        if !cookies.isEmpty { headers.replaceOrAdd(name: .cookie, value: cookies.map { "\($0.key)=\($0.value)" }.joined(separator: "; ")) }
        let response = try await app.testable().performTest(request: TestingHTTPRequest(method: method, url: URI(string: path), headers: headers, body: body))
        for header in response.headers[.setCookie] {
            let pair = header.split(separator: ";")[0].split(separator: "=", maxSplits: 1)
            guard pair.count == 2 else { continue }
            if header.contains("Max-Age=0") || header.contains("1970") { cookies[String(pair[0])] = nil }
            else { cookies[String(pair[0])] = String(pair[1]) }
        }
        let text = String(buffer: response.body)
        if let match = text.firstMatch(of: /name="_csrf" value="([^"]*)"/), !match.1.isEmpty { csrf = String(match.1) }
        return Page(status: response.status, headers: response.headers, body: text)
    }

    static func encode(_ s: String) -> String {
        s.addingPercentEncoding(withAllowedCharacters: CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "-._~"))) ?? s
    }
}

/// `XCTUnwrap` for values that come from `await` (XCTest's autoclosures cannot await).
public func XCTUnwrapAsync<T>(_ value: T?, file: StaticString = #filePath, line: UInt = #line) async throws -> T {
    try XCTUnwrap(value, file: file, line: line)
}
