/// The territory's part of the store: every collectivité, read once and kept under one key, since they change
/// only when the territory is loaded.
final class TerritoryState: Sendable {
    let collectivites: TenantCache<LoadedTerritory>

    init(bus: CacheBus) { collectivites = TenantCache("territory", bus: bus) }
}
