import Conventions
import Foundation
import Testing

/// A convention's periods, renewals and ends, and what a partly covered year costs.
@Suite struct ConventionCadreTests {
    let convention = ConventionCadre(commune: "caluire-et-cuire", signed: "2025-06-23", start: "2026-01-01", services: [
        .init(serviceID: "toodego", offer: .partenaire, start: "2026-01-01"),
        .init(serviceID: "laclasse", offer: nil, start: "2026-01-01", end: "2026-07-01"),
    ])

    @Test func periodsAreOneYearRenewedUpToSixYears() {
        #expect(convention.finalEnd == "2031-12-31")
        #expect(convention.period(on: "2026-06-01")?.number == 1)
        #expect(convention.period(on: "2028-03-01").map { [$0.start, $0.end] } == ["2028-01-01", "2028-12-31"])
        #expect(convention.period(on: "2031-12-31")?.number == 6)
        #expect(convention.period(on: "2032-01-01") == nil, "no seventh year")
        #expect(convention.period(on: "2025-12-31") == nil)
        #expect(convention.endsWithin(days: 90, of: "2031-11-01"))
        #expect(!convention.endsWithin(days: 90, of: "2031-06-01"))
    }

    @Test func aServiceStoppedAloneLeavesTheOthersAndTerminationEndsThemAll() {
        #expect(convention.services(on: "2026-06-30").map(\.serviceID) == ["toodego", "laclasse"])
        #expect(convention.services(on: "2026-07-01").map(\.serviceID) == ["toodego"])
        var terminated = convention
        terminated.ended = "2027-04-01"
        #expect(terminated.services(on: "2027-04-01").isEmpty)
        #expect(terminated.period(on: "2027-05-01") == nil)
        #expect(terminated.end(of: terminated.services[0]) == "2027-03-31")
        #expect(terminated.endsWithin(days: 90, of: "2027-02-01"), "a termination decided is an end coming")
        #expect(!convention.endsWithin(days: 90, of: "2027-02-01"))
        let leap = ConventionCadre(commune: "69034", signed: "2028-01-10", start: "2028-02-29", services: [])
        #expect(leap.finalEnd == "2034-02-27" && leap.period(on: "2029-02-28")?.number == 2, "29 February: anniversaries fall on 28 February")
        #expect(terminated.nonRenewalDay(from: "2026-05-10") == "2027-01-01")
    }

    @Test func aPartlyCoveredYearIsBilledByTheDayOrInFull() {
        let laclasse = convention.services[1]
        let share = PartialYearRule.daily.share(of: 2026, start: laclasse.start, end: convention.end(of: laclasse))
        #expect(share == Decimal(181) / Decimal(365), "1 January to 30 June")
        #expect(PartialYearRule.wholeYear.share(of: 2026, start: laclasse.start, end: convention.end(of: laclasse)) == 1)
        #expect(PartialYearRule.daily.share(of: 2027, start: laclasse.start, end: convention.end(of: laclasse)) == 0)
        #expect(PartialYearRule.daily.share(of: 2028, start: "2028-01-01", end: nil) == 1)
    }

    @Test func communesWithAnEarlierConventionMustApproveByTheEndOf2025() {
        #expect(ConventionCadre.approvalRisk(of: nil) == .noConvention)
        #expect(ConventionCadre.approvalRisk(of: convention) == nil, "signed on 23 June 2025")
        var late = convention
        late.signed = "2026-01-02"
        #expect(ConventionCadre.approvalRisk(of: late) == .signedLate("2026-01-02"))
        late.signed = "2025-12-31"
        #expect(ConventionCadre.approvalRisk(of: late) == nil, "the last day still counts")
    }
}
