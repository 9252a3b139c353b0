import AsyncHTTPClient
import Foundation
import NIOCore
import OpenIDConnect

/// Guichet as FranceConnect's relying party, over the guarded client: the code exchange (`client_secret_post`),
/// the userinfo answer (a signed JWT), and FranceConnect's keys, kept between sign-ins and fetched again when a
/// token names a key they lack (FranceConnect rotated).
public actor FranceConnectClient {
    public nonisolated let settings: FranceConnectSettings
    let client: OutboundHTTP
    let clock: @Sendable () -> Date
    var keys: FederationKeys?

    public init(settings: FranceConnectSettings, client: OutboundHTTP, clock: @escaping @Sendable () -> Date = Date.init) {
        self.settings = settings; self.client = client; self.clock = clock
    }

    /// The identity a callback's code stands for, every signature and claim checked; `FederationFailure` otherwise.
    public func identity(code: String, redirectURI: String, attempt: FederationAttempt) async throws(FederationFailure) -> FederatedIdentity {
        let checks = FederationChecks(settings: settings)
        let answer = try await tokens(code: code, redirectURI: redirectURI)
        let idClaims = try await verified(answer.idToken, as: FederationFailure.invalidIDToken)
        let subject = try checks.subject(ofIDToken: idClaims, nonce: attempt.nonce, now: clock()).get()
        let userinfo = try await verified(try await userinfoJWT(accessToken: answer.accessToken), as: FederationFailure.invalidUserInfo)
        return try checks.identity(ofUserInfo: userinfo, subject: subject, idToken: answer.idToken).get()
    }

    struct TokenAnswer: Decodable {
        var idToken: String
        var accessToken: String
        enum CodingKeys: String, CodingKey { case idToken = "id_token", accessToken = "access_token" }
    }

    func tokens(code: String, redirectURI: String) async throws(FederationFailure) -> TokenAnswer {
        var request = HTTPClientRequest(url: settings.tokenEndpoint)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/x-www-form-urlencoded")
        request.headers.add(name: "Accept", value: "application/json")
        request.body = .bytes(ByteBuffer(string: FormEncoding.encode([
            ("grant_type", "authorization_code"), ("code", code), ("redirect_uri", redirectURI),
            ("client_id", settings.clientID), ("client_secret", settings.clientSecret),
        ])))
        let body = try await call(request)
        guard let answer = try? JSONDecoder().decode(TokenAnswer.self, from: body), answer.accessToken.utf8.count <= 4096 else {
            throw .tokenRefused
        }
        return answer
    }

    func userinfoJWT(accessToken: String) async throws(FederationFailure) -> String {
        guard accessToken.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F }) else { throw .tokenRefused }
        var request = HTTPClientRequest(url: settings.userinfoEndpoint)
        request.headers.add(name: "Authorization", value: "Bearer " + accessToken)
        request.headers.add(name: "Accept", value: "application/jwt")
        let body = try await call(request)
        guard let text = String(data: body, encoding: .utf8)?.trimmingCharacters(in: .whitespacesAndNewlines), text.split(separator: ".").count == 3 else {
            throw .invalidUserInfo("not a signed JWT")
        }
        return text
    }

    func verified(_ token: String, as failure: (String) -> FederationFailure) async throws(FederationFailure) -> ClaimSet {
        do {
            let (claims, fresh) = try await FederationKeys.verify(token, with: keys) { [client, settings] in try await Self.fetchJWKS(client, settings) }
            keys = fresh
            return claims
        } catch let failure as FederationFailure {
            throw failure
        } catch {
            throw failure("\(error)")
        }
    }

    static func fetchJWKS(_ client: OutboundHTTP, _ settings: FranceConnectSettings) async throws(FederationFailure) -> Data {
        var request = HTTPClientRequest(url: settings.jwksURI)
        request.headers.add(name: "Accept", value: "application/json")
        return try await call(request, client)
    }

    func call(_ request: HTTPClientRequest) async throws(FederationFailure) -> Data { try await Self.call(request, client) }

    /// One call: FranceConnect not answering, or answering an error, is `.unreachable` / `.tokenRefused`.
    static func call(_ request: HTTPClientRequest, _ client: OutboundHTTP) async throws(FederationFailure) -> Data {
        var request = request
        request.headers.add(name: "User-Agent", value: "Guichet/1")
        do {
            let answer = try await client.execute(request, timeout: .seconds(10), maxBytes: 256 << 10)
            return Data(answer.body.readableBytesView)
        } catch let refusal as OutboundRefusal {
            if case .status = refusal { throw .tokenRefused }
            throw .unreachable
        } catch {
            throw .unreachable
        }
    }
}
