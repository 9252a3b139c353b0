import AsyncHTTPClient
import Foundation
import NIOCore
import OpenIDConnect
import Storage

/// Delivers back-channel logouts: POSTs `logout_token=<JWT>` (form-encoded) to the application's registered
/// address through the guarded client, the token signed now with the provider's current ES256 key. The
/// application answers 200 or 204; anything else is retried like any delivery.
public struct BackChannelLogout: Sendable {
    let store: Store
    let issuer: TokenIssuer
    let client: OutboundHTTP

    public init(store: Store, issuer: String, client: OutboundHTTP) {
        self.store = store; self.issuer = TokenIssuer(issuer: issuer); self.client = client
    }

    func deliver(_ notice: LogoutNotice) async throws {
        let token = try await store.keyRing().sign(
            issuer.logoutToken(clientID: notice.clientID, subject: notice.subject, sessionID: notice.sessionID, now: store.clock()),
            with: .es256, type: TokenIssuer.logoutTokenType)
        var request = HTTPClientRequest(url: notice.url)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/x-www-form-urlencoded")
        request.headers.add(name: "User-Agent", value: "GrandLyon-Connect/1")
        request.body = .bytes(ByteBuffer(string: "logout_token=" + token))  // a JWS is URL-safe already
        _ = try await client.execute(request, timeout: .seconds(15), maxBytes: 64 << 10)
    }
}
