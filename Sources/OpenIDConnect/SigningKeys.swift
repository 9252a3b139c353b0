import Codecs
import Crypto
import CryptoExtras
import Foundation
import JWTKit

/// One of the provider's signing keys, its private part in clear: only in memory, never logged. `retiresAt` nil
/// means it signs; set, it only verifies (and stays in the JWKS) until that moment, so tokens signed before a
/// rotation still verify at the applications that fetched the keys.
public struct SigningKey: Sendable, Equatable {
    public var kid: String
    public var algorithm: SigningAlgorithm
    public var privatePEM: String
    public var createdAt: Date
    public var retiresAt: Date?

    public init(kid: String, algorithm: SigningAlgorithm, privatePEM: String, createdAt: Date, retiresAt: Date? = nil) {
        self.kid = kid; self.algorithm = algorithm; self.privatePEM = privatePEM; self.createdAt = createdAt; self.retiresAt = retiresAt
    }

    /// A new key of that algorithm: P-256 for ES256, 2048-bit RSA for RS256. Its `kid` is its RFC 7638 thumbprint,
    /// so a key is named the same wherever it is published.
    public static func generate(_ algorithm: SigningAlgorithm, at now: Date) throws -> SigningKey {
        switch algorithm {
        case .es256:
            let key = P256.Signing.PrivateKey()
            return SigningKey(kid: try JWKSet.thumbprint(publicJWK(pem: key.pemRepresentation, algorithm: .es256)), algorithm: .es256,
                              privatePEM: key.pemRepresentation, createdAt: now)
        case .rs256:
            let key = try _RSA.Signing.PrivateKey(keySize: .bits2048)
            return SigningKey(kid: try JWKSet.thumbprint(publicJWK(pem: key.pemRepresentation, algorithm: .rs256)), algorithm: .rs256,
                              privatePEM: key.pemRepresentation, createdAt: now)
        }
    }

    /// The public half as a JWK's members (`kty`, `crv`/`x`/`y` or `n`/`e`).
    static func publicJWK(pem: String, algorithm: SigningAlgorithm) throws -> [String: String] {
        switch algorithm {
        case .es256:
            guard let parameters = try ES256PrivateKey(pem: pem).parameters else { throw KeyError.unreadable }
            return ["kty": "EC", "crv": "P-256", "x": parameters.x, "y": parameters.y]
        case .rs256:
            let primitives = try Insecure.RSA.PrivateKey(pem: pem).publicKey.getKeyPrimitives()
            return ["kty": "RSA", "n": Base64URL.encode(primitives.modulus), "e": Base64URL.encode(primitives.publicExponent)]
        }
    }

    public enum KeyError: Error { case unreadable, unsealable, unknownKey }
}

/// How keys change over time: `guichet keys rotate` makes a new key of each algorithm, which signs from then on;
/// the keys it replaces keep verifying for `overlap`, then leave the JWKS.
public enum KeyRotation {
    /// How long a replaced key still verifies by default: longer than any token it signed lives (refresh tokens
    /// are not signed; ID and access tokens live minutes), and than applications cache a JWKS.
    public static let defaultOverlap: TimeInterval = 7 * 24 * 3600

    public struct Plan: Sendable, Equatable {
        /// Keys to create.
        public var new: [SigningKey]
        /// Keys that stop signing, with the moment they stop verifying.
        public var retiring: [(kid: String, at: Date)]
        /// Keys past their overlap, to delete.
        public var expired: [String]

        public static func == (a: Plan, b: Plan) -> Bool {
            a.new == b.new && a.expired == b.expired && a.retiring.map(\.kid) == b.retiring.map(\.kid) && a.retiring.map(\.at) == b.retiring.map(\.at)
        }
    }

    /// What a rotation does to `keys`; with `force` false, only what is missing: a signing key for an algorithm
    /// that has none (the first start), and the removal of expired keys.
    public static func plan(_ keys: [SigningKey], now: Date, overlap: TimeInterval = defaultOverlap, force: Bool,
                            generate: (SigningAlgorithm) throws -> SigningKey) rethrows -> Plan {
        var plan = Plan(new: [], retiring: [], expired: keys.filter { ($0.retiresAt ?? .distantFuture) <= now }.map(\.kid))
        for algorithm in SigningAlgorithm.allCases {
            let signing = keys.filter { $0.algorithm == algorithm && $0.retiresAt == nil }
            if force || signing.isEmpty {
                plan.new.append(try generate(algorithm))
                plan.retiring += signing.map { ($0.kid, now.addingTimeInterval(overlap)) }
            }
        }
        return plan
    }
}

/// The keys in use, ready to sign and verify: built once from the stored keys, then shared by every request.
public struct KeyRing: Sendable {
    let collection: JWTKeyCollection
    let signing: [SigningAlgorithm: String]
    let signers: [String: JWSSigner]
    /// The JWKS document (`/oidc/jwks`), serialised once.
    public let jwks: Data
    public let kids: [String]

    public static func make(_ keys: [SigningKey], now: Date) async throws -> KeyRing {
        let collection = JWTKeyCollection()
        var signing: [SigningAlgorithm: String] = [:], published: [[String: String]] = [], signers: [String: JWSSigner] = [:]
        for key in keys.sorted(by: { $0.createdAt > $1.createdAt }) where (key.retiresAt ?? .distantFuture) > now {
            switch key.algorithm {
            case .es256: await collection.add(ecdsa: try ES256PrivateKey(pem: key.privatePEM), kid: JWKIdentifier(string: key.kid))
            case .rs256: await collection.add(rsa: try Insecure.RSA.PrivateKey(pem: key.privatePEM), digestAlgorithm: .sha256, kid: JWKIdentifier(string: key.kid))
            }
            if key.retiresAt == nil && signing[key.algorithm] == nil {
                signing[key.algorithm] = key.kid
                signers[key.kid] = try JWSSigner(pem: key.privatePEM, algorithm: key.algorithm)
            }
            var jwk = try SigningKey.publicJWK(pem: key.privatePEM, algorithm: key.algorithm)
            jwk["kid"] = key.kid; jwk["alg"] = key.algorithm.rawValue; jwk["use"] = "sig"
            published.append(jwk)
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return KeyRing(collection: collection, signing: signing, signers: signers, jwks: try encoder.encode(["keys": published]), kids: published.compactMap { $0["kid"] })
    }

    /// Signs `claims` with the current key of `algorithm`; `type` is the header's `typ` (`at+jwt`, `logout+jwt`).
    public func sign(_ claims: ClaimSet, with algorithm: SigningAlgorithm, type: String = "JWT") async throws -> String {
        guard let kid = signing[algorithm], let signer = signers[kid] else { throw SigningKey.KeyError.unknownKey }
        return try CompactJWS.serialise(header: ["alg": .string(algorithm.rawValue), "kid": .string(kid), "typ": .string(type)],
                                        payload: claims.claims, sign: signer.sign)
    }

    /// The claims of a token one of these keys signed, with its header's `typ`; throws for any other token
    /// (another key, `alg: none`, a broken signature).
    public func verify(_ token: String) async throws -> (claims: ClaimSet, type: String?) {
        guard token.utf8.count < 16_384, let header = JWSHeader.read(token), let kid = header.kid, kids.contains(kid),
              ["ES256", "RS256"].contains(header.alg ?? "") else { throw SigningKey.KeyError.unknownKey }
        let claims = try await collection.verify(token, as: ClaimSet.self)
        return (claims, header.typ)
    }
}

/// The few header members read before a signature is checked (to pick the key and refuse what is not ours).
public struct JWSHeader: Decodable, Sendable {
    public var alg: String?
    public var kid: String?
    public var typ: String?

    public static func read(_ token: String) -> JWSHeader? {
        guard let first = token.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false).first,
              let data = Base64URL.decode(String(first)) else { return nil }
        return try? JSONDecoder().decode(JWSHeader.self, from: data)
    }
}

public enum JWKSet {
    /// RFC 7638: the SHA-256 of the key's required members in lexicographic order, without spaces.
    public static func thumbprint(_ jwk: [String: String]) throws -> String {
        let required = jwk["kty"] == "EC" ? ["crv", "kty", "x", "y"] : ["e", "kty", "n"]
        let members = try required.map { name -> String in
            guard let value = jwk[name] else { throw SigningKey.KeyError.unreadable }
            return "\"\(name)\":\"\(value)\""
        }
        return Base64URL.encode(Data(SHA256.hash(data: Data(("{" + members.joined(separator: ",") + "}").utf8))))
    }
}

/// Private keys at rest: sealed with AES-256-GCM under a key derived from `GUICHET_KEYS_SECRET`, so a copy of the
/// database alone signs nothing. (Without that secret, the keys live in files readable by Guichet's user only.)
public struct KeySeal: Sendable {
    let key: SymmetricKey

    public init(secret: String) {
        key = SymmetricKey(data: Data(SHA256.hash(data: Data(("guichet-oidc-keys:" + secret).utf8))))
    }

    public func seal(_ pem: String) throws -> String {
        guard let combined = try AES.GCM.seal(Data(pem.utf8), using: key).combined else { throw SigningKey.KeyError.unsealable }
        return "v1:" + combined.base64EncodedString()
    }

    public func open(_ sealed: String) throws -> String {
        guard sealed.hasPrefix("v1:"), let data = Data(base64Encoded: String(sealed.dropFirst(3))) else { throw SigningKey.KeyError.unsealable }
        return String(decoding: try AES.GCM.open(AES.GCM.SealedBox(combined: data), using: key), as: UTF8.self)
    }
}
