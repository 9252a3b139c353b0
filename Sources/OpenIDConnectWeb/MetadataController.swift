import OpenIDConnect
import Vapor
import WebSupport

/// What applications read before anything else: the discovery document and the public keys.
struct MetadataController {
    func discovery(req: Request) async throws -> Response {
        OAuthResponse.json(ProviderEndpoints(issuer: req.guichet.baseURL).document, cache: "public, max-age=3600")
    }

    /// Cached for five minutes by applications: a rotated key is published at once and verifies for days, so an
    /// application refetching on an unknown `kid` never misses one.
    func jwks(req: Request) async throws -> Response {
        let ring = try await req.store.keyRing()
        var headers = HTTPHeaders()
        headers.replaceOrAdd(name: .contentType, value: "application/jwk-set+json")
        headers.replaceOrAdd(name: .cacheControl, value: "public, max-age=300")
        return Response(status: .ok, headers: headers, body: .init(data: ring.jwks))
    }
}
