/// Whether a person may use a shared service on a day, by the conventions of the communes they belong to (where
/// they live, where they work as an agent): GrandLyon Connect lets an application bound to a service (laclasse.com)
/// sign in only the people of the communes that subscribe to it, from the day they join to the eve of the day they
/// stop (their own stop, the convention's termination, or its final end).
public enum ServiceAccess: Sendable, Equatable {
    case open(commune: String)
    /// The person said of no commune.
    case noCommune
    case notMember(commune: String)
    case notYet(commune: String, from: Day)
    /// `on` is the first day without the service.
    case stopped(commune: String, on: Day)

    public var isOpen: Bool { if case .open = self { true } else { false } }

    /// Open when one of `communes` has the service on `day`; otherwise what the first one (the commune of
    /// residence) lacks.
    public static func decide(communes: [String], conventions: [String: ConventionCadre], service: String, on day: Day) -> ServiceAccess {
        guard let first = communes.first else { return .noCommune }
        if let open = communes.first(where: { conventions[$0]?.services(on: day).contains { $0.serviceID == service } == true }) {
            return .open(commune: open)
        }
        guard let convention = conventions[first] else { return .notMember(commune: first) }
        let memberships = convention.services.filter { $0.serviceID == service }
        if let next = memberships.filter({ $0.start > day }).map(\.start).min(), convention.end >= next {
            return .notYet(commune: first, from: next)
        }
        if let stop = memberships.filter({ $0.start <= day }).map({ Calendars.addDays(1, to: convention.end(of: $0)) }).max() {
            return .stopped(commune: first, on: stop)
        }
        return .notMember(commune: first)
    }
}
