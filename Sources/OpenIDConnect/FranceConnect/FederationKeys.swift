import Foundation
import JWTKit

/// FranceConnect's published signing keys (its JWKS), ready to verify its ID tokens and userinfo answers. Only
/// ES256 and RS256 signatures are taken: whatever else a token's header names (`none`, HS256 keyed with a public
/// key…) is refused before JWTKit looks at it.
public struct FederationKeys: Sendable {
    let collection: JWTKeyCollection
    public let kids: Set<String>

    public enum Failure: Error, Equatable { case unreadableJWKS, unknownKey, refusedAlgorithm, badSignature }

    /// Reads a JWKS, keeping the signature keys it holds (an encryption key beside them is not for us).
    public static func read(_ jwks: Data) async throws(Failure) -> FederationKeys {
        guard jwks.count <= 256 << 10,
              let document = (try? JSONSerialization.jsonObject(with: jwks)) as? [String: Any],
              let keys = document["keys"] as? [[String: Any]] else { throw .unreadableJWKS }
        let signing = keys.filter { key in
            (key["use"] as? String ?? "sig") == "sig" && ["EC", "RSA"].contains(key["kty"] as? String ?? "") && key["kid"] is String
        }
        let collection = JWTKeyCollection()
        var kids: Set<String> = []
        for key in signing {
            guard let data = try? JSONSerialization.data(withJSONObject: ["keys": [key]]), let json = String(data: data, encoding: .utf8),
                  (try? await collection.add(jwksJSON: json)) != nil, let kid = key["kid"] as? String else { continue }
            kids.insert(kid)
        }
        guard !kids.isEmpty else { throw .unreadableJWKS }
        return FederationKeys(collection: collection, kids: kids)
    }

    /// The claims of a token signed by one of these keys.
    public func verify(_ token: String) async throws(Failure) -> ClaimSet {
        guard token.utf8.count < 32_768, let header = JWSHeader.read(token), ["ES256", "RS256"].contains(header.alg ?? "") else {
            throw .refusedAlgorithm
        }
        guard let kid = header.kid, kids.contains(kid) else { throw .unknownKey }
        do { return try await collection.verify(token, as: ClaimSet.self) } catch { throw .badSignature }
    }

    /// Verifies with `keys`, and when the token names a key they lack (FranceConnect rotated its keys), fetches
    /// the JWKS once more and tries again: once, so a token naming keys that do not exist costs one fetch, not a
    /// loop. Returns the keys to keep with the claims.
    public static func verify(_ token: String, with keys: FederationKeys?,
                              fetch: @Sendable () async throws -> Data) async throws -> (claims: ClaimSet, keys: FederationKeys) {
        if let keys {
            do { return (try await keys.verify(token), keys) } catch .unknownKey {}
        }
        let fresh = try await read(try await fetch())
        return (try await fresh.verify(token), fresh)
    }
}
