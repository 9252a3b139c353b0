import Storage
import Vapor

/// A part of the agents' back-office (the GRC, the designer, the convention cadre, administration). Its pages
/// are a collectivité's, under /bo/{collectivité}/…, with French error pages and forms parsed and CSRF-checked
/// before any handler runs; each handler then asks `Request.agentScope()` for the agent's scope.
public protocol BackOfficePart: WebPart {
    /// Registers the part's pages on a builder at /bo/:slug.
    static func register(collectivite routes: any RoutesBuilder)
}

extension BackOfficePart {
    public static func register(_ routes: any RoutesBuilder) { register(collectivite: backOffice(routes).grouped(":slug")) }

    /// /bo, with the back-office's middleware.
    public static func backOffice(_ routes: any RoutesBuilder) -> any RoutesBuilder {
        routes.grouped("bo").grouped(FormMiddleware())
    }
}

extension Request {
    /// The agent's scope for the collectivité in the path, or a 403 page for anyone else. An agent signed in with
    /// the password alone is sent to the second factor first: it is mandatory for every back-office page.
    public func agentScope() async throws -> (TenantScope, Account) {
        let account = try await requireAccount()
        guard let scope = try await store.agentScope(slug: parameters.get("slug") ?? "", accountID: account.id) else {
            throw Abort(.forbidden)
        }
        guard secondFactorDone else { throw secondFactorRedirect() }
        return (scope, account)
    }

    /// The layout of a back-office page of the scope's collectivité.
    public func layout(_ scope: TenantScope, title: String) async throws -> Layout {
        try await Layout.make(self, title: title, backOffice: true, collectivite: (scope.collectivite.name, scope.slug), isAdmin: scope.isAdmin)
    }
}
