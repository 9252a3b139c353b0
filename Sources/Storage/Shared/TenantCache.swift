import Synchronization

/// Values read from the database, by tenant and key, kept until a committed write of that tenant voids them.
/// Every write that changes what the values were read from bumps its tenant's generation; a value read while
/// such a write was committing carries the older generation and is never stored. Exact within one process; other
/// processes on the same PostgreSQL hear of the write through the `CacheBus` a few milliseconds after its commit.
final class TenantCache<Value: Sendable>: Sendable {
    private struct Generation: Equatable { var all = 0; var tenant = 0 }
    private struct State {
        var all = 0
        var tenants: [String: Int] = [:]
        var entries: [String: (generation: Generation, value: Value)] = [:]
        func generation(_ tenant: String) -> Generation { Generation(all: all, tenant: tenants[tenant, default: 0]) }
    }
    private let state = Mutex(State())
    private let name: String
    private let bus: CacheBus

    /// - Parameter name: how the other processes name this cache in their announcements.
    init(_ name: String, bus: CacheBus) {
        self.name = name
        self.bus = bus
        bus.register(name) { [weak self] tenant in self?.void(tenant) }
    }

    /// The cached value, or `read()`'s, stored for the next caller unless the tenant changed meanwhile.
    func value(tenant: String, key: String = "", read: () async throws -> Value) async throws -> Value {
        let slot = "\(tenant)|\(key)"
        let (cached, generation) = state.withLock { s -> (Value?, Generation) in
            let generation = s.generation(tenant)
            guard let entry = s.entries[slot], entry.generation == generation else { return (nil, generation) }
            return (entry.value, generation)
        }
        if let cached { return cached }
        let fresh = try await read()
        state.withLock { s in
            if s.generation(tenant) == generation { s.entries[slot] = (generation, fresh) }
        }
        return fresh
    }

    /// Voids the tenant's entries, here and in the other processes. Called once the write has committed: a read
    /// between the commit and this call may still be served the value from before that one write.
    func invalidate(_ tenant: String) {
        void(tenant)
        bus.announce(name, tenant: tenant)
    }

    /// Voids every tenant's entries, for writes that touch them all (loading the territory).
    func invalidateAll() {
        void(nil)
        bus.announce(name, tenant: nil)
    }

    private func void(_ tenant: String?) {
        state.withLock { s in
            if let tenant { s.tenants[tenant, default: 0] += 1 } else { s.all += 1 }
        }
    }
}
