import Routing

/// Routing's part of the store: the router (territory map, categories, rules), built once and kept until a
/// category, a rule or the territory changes.
final class RoutingState: Sendable {
    let router: TenantCache<Router>

    init(bus: CacheBus) { router = TenantCache("routing", bus: bus) }
}
