import Routing
import Storage
import Territory
import Vapor

extension Request {
    /// Who answers for a request as its citizen reads it (« la mairie de Bron »); nil for a request filed before
    /// routing existed.
    public func handlerPhrase(of detail: DemandeDetail) async throws -> String? {
        guard let routing = detail.routing, let c = try await store.collectivite(slug: routing.collectivite) else { return nil }
        return RoutingDecision.handler(c)
    }

    /// The same for agents, with the service and the category: « Mairie de Bron — Services techniques (Éclairage
    /// public) ».
    public func routingSummary(of detail: DemandeDetail) async throws -> String? {
        guard let routing = detail.routing, let c = try await store.collectivite(slug: routing.collectivite) else { return nil }
        let router = try await store.router()
        return RoutingText.summary(c, service: routing.service, category: routing.category.map { router.category($0)?.label ?? $0 })
    }
}

enum RoutingText {
    /// « Mairie de Bron — Services techniques (Éclairage public) ».
    static func summary(_ c: Collectivite, service: String?, category: String?) -> String {
        var text = c.kind == .metropole ? c.name : "Mairie \(FrenchName.de(c.name))"
        if let service { text += " — \(Store.serviceName(service))" }
        if let category { text += " (\(category))" }
        return text
    }
}
