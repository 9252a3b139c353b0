import Codecs
import Foundation

/// How an application says who it is at the token, revocation and introspection endpoints: `client_secret_basic`
/// (HTTP Basic, RFC 6749 §2.3.1, its parts form-encoded), `client_secret_post`, or a public client naming itself
/// with `client_id` alone. Two methods at once are refused (RFC 6749 §2.3).
public struct ClientCredentials: Sendable, Equatable {
    public var clientID: String
    public var secret: String?
    public var method: Method

    public enum Method: String, Sendable { case basic = "client_secret_basic", post = "client_secret_post", none }

    public init(clientID: String, secret: String?, method: Method) { self.clientID = clientID; self.secret = secret; self.method = method }

    public static func read(authorization: String?, form: [String: String]) -> Result<ClientCredentials, OAuthError> {
        if let authorization, authorization.lowercased().hasPrefix("basic ") {
            guard form["client_secret"] == nil else { return .failure(.invalidRequest("use one client authentication method")) }
            guard let data = Data(base64Encoded: String(authorization.dropFirst(6)).trimmingCharacters(in: .whitespaces)),
                  let text = String(data: data, encoding: .utf8), let colon = text.firstIndex(of: ":"),
                  let id = FormURLEncoding.decode(text[..<colon]), let secret = FormURLEncoding.decode(text[text.index(after: colon)...]) else {
                return .failure(.invalidClient("malformed HTTP Basic credentials"))
            }
            if let named = form["client_id"], named != id { return .failure(.invalidRequest("client_id differs from the authenticated client")) }
            return .success(ClientCredentials(clientID: id, secret: secret, method: .basic))
        }
        guard let id = form["client_id"], !id.isEmpty else { return .failure(.invalidClient("client authentication is required")) }
        if let secret = form["client_secret"] { return .success(ClientCredentials(clientID: id, secret: secret, method: .post)) }
        return .success(ClientCredentials(clientID: id, secret: nil, method: .none))
    }

    /// Whether these credentials authenticate `client`, whose secret's hash is `secretHash`: a confidential
    /// client must send its secret, a public one must not claim one.
    public func authenticate(_ client: RelyingParty, secretHash: String?, hash: (String) -> String) -> Bool {
        switch client.kind {
        case .public: return secret == nil
        case .confidential:
            guard let secret, let secretHash else { return false }
            return constantTimeEqual(hash(secret), secretHash)
        }
    }
}
