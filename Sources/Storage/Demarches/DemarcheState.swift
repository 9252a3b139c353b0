import Demarches
import Synchronization

/// The démarches' part of the store: definitions by version (a version never changes, so never stale) and each
/// collectivité's démarche list (published or not), voided by publishing.
final class DemarcheState: Sendable {
    let definitions = DefinitionCache()
    let lists: TenantCache<[DemarcheSummary]>

    init(bus: CacheBus) { lists = TenantCache("demarches", bus: bus) }
}

/// Definitions by (démarche, version). A version never changes once written, so entries never go stale.
final class DefinitionCache: Sendable {
    private let entries = Mutex<[String: DemarcheDefinition]>([:])
    func get(_ id: String, _ version: Int) -> DemarcheDefinition? { entries.withLock { $0["\(id)#\(version)"] } }
    func put(_ id: String, _ version: Int, _ d: DemarcheDefinition) { entries.withLock { $0["\(id)#\(version)"] = d } }
}
