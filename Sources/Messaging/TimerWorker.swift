import Foundation
import Identity
import Logging
import Storage

/// Fires workflow timers (timed transitions, legal deadlines) when they fall due, and purges expired drafts,
/// delivered messages past their retention, expired sessions and, every six hours, files nothing refers to. Timers are rows, so a restart
/// loses none: the worker fires whatever came due while the server was down as soon as it starts. It sleeps
/// until the next timer, at most `maxSleep`, so a timer armed meanwhile by another server is late by at most that.
public actor TimerWorker {
    let store: Store
    let logger: Logger
    let maxSleep: Duration
    let sentRetentionDays: Int
    /// Unused accounts warned then deleted, and where the warning sends people to sign in; nil: never.
    let inactivity: (policy: InactivityPolicy, signInLink: String)?
    /// Relays to communes left unacknowledged this many hours, or failing, are reported to the Métropole's
    /// admins, with the page that lists them; nil: never.
    let relayAlert: (hours: Int, listURL: String)?
    private var lastOrphanPurge: Date?
    private var lastRelayWatch: Date?

    public init(store: Store, logger: Logger, maxSleep: Duration = .seconds(30), sentRetentionDays: Int = 30,
                inactivity: (policy: InactivityPolicy, signInLink: String)? = nil, relayAlert: (hours: Int, listURL: String)? = nil) {
        self.store = store; self.logger = logger; self.maxSleep = maxSleep; self.sentRetentionDays = sentRetentionDays
        self.inactivity = inactivity; self.relayAlert = relayAlert
    }

    public func run() async {
        while !Task.isCancelled {
            do {
                while try await store.fireDueTimers() > 0 {}
                // Expired form drafts go with the same clock; a purge is one indexed query when there are none.
                while try await store.purgeExpiredDrafts() > 0 {}
                while try await store.purgeSentMessages(retentionDays: sentRetentionDays) > 0 {}
                while try await store.purgeExpiredSessions() > 0 {}
                while try await store.purgeOldSecurityEvents() > 0 {}
                // Relays: a query over the few unanswered ones, every quarter of an hour.
                if let (hours, listURL) = relayAlert, lastRelayWatch.map({ store.clock().timeIntervalSince($0) >= 900 }) ?? true {
                    lastRelayWatch = store.clock()
                    try await alertStaleRelays(hours: hours, listURL: listURL)
                }
                // Orphan files mean reading the upload folder and every draft: rarely.
                if lastOrphanPurge.map({ store.clock().timeIntervalSince($0) > 6 * 3600 }) ?? true {
                    lastOrphanPurge = store.clock()
                    let removed = try await store.purgeOrphanFiles()
                    if removed > 0 { logger.info("orphan files removed", metadata: ["count": "\(removed)"]) }
                    if let (policy, link) = inactivity {
                        while try await store.warnInactiveAccounts(policy, mail: { email, day in
                            Mails.inactiveAccount(to: email, deletionDay: Self.day(day), signInLink: link)
                        }) > 0 {}
                        while try await store.deleteInactiveAccounts(policy) > 0 {}
                    }
                }
            } catch {
                logger.error("timer round failed", metadata: ["error": "\(error)"])
            }
            try? await Task.sleep(for: await nextSleep())
        }
    }

    /// One e-mail to each of the Métropole's admins for the relays that need them.
    func alertStaleRelays(hours: Int, listURL: String) async throws {
        let names = Dictionary(try await store.collectivites().map { ($0.slug, $0.name) }, uniquingKeysWith: { a, _ in a })
        let reported = try await store.alertStaleRelays(unacknowledgedFor: hours) { to, relays in
            Mails.relayAlert(to: to, relays: relays.map { relay in
                let problem = switch relay.delivery {
                case .noAddress: "aucune adresse e-mail connue pour la mairie"
                case .failing(let attempts, _): "envoi en échec (\(attempts) tentatives)"
                default: "sans accusé de réception depuis le \(Self.day(relay.createdAt))"
                }
                return (relay.number, names[relay.commune] ?? relay.commune, problem)
            }, listURL: listURL)
        }
        if reported > 0 { logger.warning("relays reported to the Métropole's admins", metadata: ["count": "\(reported)"]) }
    }

    /// « 02/12/2028 », in Lyon.
    static func day(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "Europe/Paris") ?? .gmt
        let c = calendar.dateComponents([.day, .month, .year], from: date)
        return String(format: "%02d/%02d/%04d", c.day ?? 1, c.month ?? 1, c.year ?? 1970)
    }

    /// Until the next due timer, between 1 s and `maxSleep`.
    private func nextSleep() async -> Duration {
        guard let next = try? await store.nextTimerDue() else { return maxSleep }
        let seconds = next.timeIntervalSince(store.clock())
        return min(maxSleep, .milliseconds(Int(max(1, seconds) * 1000)))
    }
}
