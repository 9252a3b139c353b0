import Foundation
import Storage
import Vapor
import WebSupport

/// The citizen's side of the API, for the mobile app: it signs the citizen in with GrandLyon Connect (a public
/// client with PKCE) and calls these with the access token it received. Agents' API tokens are not accepted here,
/// nor these tokens on the agents' endpoints.
struct CitizenAPI {
    struct MyDemande: Encodable { var number: String; var demarcheTitle: String; var status: String; var submittedAt: Date; var url: String }
    struct MyDemandes: Encodable { var items: [MyDemande] }
    struct Me: Encodable { var name: String; var email: String; var emailVerified: Bool }

    func me(req: Request) async throws -> Response {
        let account = try await requireConnectAccount(req)
        return try APIJSON.response(Me(name: account.name, email: account.email, emailVerified: account.isConfirmed))
    }

    func demandes(req: Request) async throws -> Response {
        let account = try await requireConnectAccount(req)
        let items = try await req.store.demandes(ofAccount: account.id).map {
            MyDemande(number: $0.number, demarcheTitle: $0.demarcheTitle, status: $0.statusLabel, submittedAt: $0.submittedAt, url: "/api/v1/demandes/\($0.number)")
        }
        return try APIJSON.response(MyDemandes(items: items))
    }

    private func requireConnectAccount(_ req: Request) async throws -> Account {
        guard let account = try await req.connectAccount() else {
            throw Problem(.unauthorized, title: "Authentification requise",
                          detail: "Fournissez un jeton d'accès GrandLyon Connect valide (Authorization: Bearer …).")
        }
        return account
    }
}

extension Request {
    /// The account a GrandLyon Connect access token stands for (Authorization: Bearer): signed by Guichet,
    /// unexpired, its grant alive, with the `openid` scope; nil without one.
    func connectAccount() async throws -> Account? {
        guard let token = headers.bearerAuthorization?.token, token.utf8.count < 8_192,
              let (access, grant) = try await store.accessToken(token, issuer: guichet.baseURL), access.scopes.contains("openid"),
              let account = try await store.account(id: grant.accountID), !account.isDisabled else { return nil }
        return account
    }
}
