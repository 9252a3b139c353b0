import Conventions
import Testing

/// Who may sign in to an application bound to a shared service (laclasse.com), by the conventions.
@Suite struct ServiceAccessTests {
    let conventions: [String: ConventionCadre] = [
        "69034": ConventionCadre(commune: "69034", signed: "2025-06-23", start: "2026-01-01", services: [
            .init(serviceID: "laclasse", offer: nil, start: "2026-01-01", end: "2026-09-01"),
        ]),
        "69029": ConventionCadre(commune: "69029", signed: "2025-06-23", start: "2026-01-01", services: [
            .init(serviceID: "toodego", offer: .partenaire, start: "2026-01-01"),
            .init(serviceID: "laclasse", offer: nil, start: "2027-01-01"),
        ]),
        "69259": ConventionCadre(commune: "69259", signed: "2025-06-23", start: "2026-01-01", services: [
            .init(serviceID: "laclasse", offer: nil, start: "2026-01-01"),
        ], ended: "2026-11-01"),
    ]

    func access(_ communes: [String], _ day: Day) -> ServiceAccess {
        ServiceAccess.decide(communes: communes, conventions: conventions, service: "laclasse", on: day)
    }

    @Test func openFromTheJoiningDayToTheEveOfTheStopDay() {
        #expect(access(["69034"], "2025-12-31") == .notYet(commune: "69034", from: "2026-01-01"))
        #expect(access(["69034"], "2026-01-01") == .open(commune: "69034"))
        #expect(access(["69034"], "2026-08-31") == .open(commune: "69034"))
        #expect(access(["69034"], "2026-09-01") == .stopped(commune: "69034", on: "2026-09-01"), "lost on the stop day itself")
    }

    @Test func aTerminatedConventionStopsTheServiceAndOtherServicesDoNotCount() {
        #expect(access(["69259"], "2026-10-31").isOpen)
        #expect(access(["69259"], "2026-11-01") == .stopped(commune: "69259", on: "2026-11-01"))
        #expect(access(["69029"], "2026-06-01") == .notYet(commune: "69029", from: "2027-01-01"), "Toodego is not laclasse.com")
        #expect(access(["69123"], "2026-06-01") == .notMember(commune: "69123"))
        #expect(access([], "2026-06-01") == .noCommune)
    }

    @Test func anyOfThePersonsCommunesOpensIt() {
        // Living in a commune that stopped, working for one that subscribes.
        #expect(access(["69034", "69029"], "2027-02-01") == .open(commune: "69029"))
        #expect(access(["69123", "69034"], "2026-09-02") == .notMember(commune: "69123"), "the commune of residence is the one explained")
    }
}
