import Identity
import Storage
import Vapor
import WebSupport

/// « Mes sessions » (the browsers signed in to the account, each of which can be closed from another) and the
/// « Journal de sécurité » the holder reads: sign-ins, refused passwords, changes, sessions and applications ended.
struct AccountSecurityController {
    func register(_ routes: any RoutesBuilder) {
        routes.get("compte", "sessions", use: sessions)
        routes.post("compte", "sessions", "fermer", use: endOne)
        routes.post("compte", "sessions", "fermer-autres", use: endOthers)
        routes.get("compte", "securite", use: journal)
    }

    struct SessionsPage {
        struct Row { var handle: String; var device: String; var started: String; var lastSeen: String; var current: Bool }
        var layout: Layout
        var sessions: [Row]
        var others: Bool
    }

    struct JournalPage {
        struct Row { var when: String; var what: String; var detail: String?; var device: String; var ip: String; var alert: Bool }
        var layout: Layout
        var events: [Row]
        var alerts: Bool
    }

    func sessions(req: Request) async throws -> Response {
        let account = try await req.requireAccount()
        let current = currentHandle(req)
        let rows = try await req.store.sessions(ofAccount: account.id).map {
            SessionsPage.Row(handle: $0.handle, device: $0.device, started: FrenchDate.string($0.startedAt), lastSeen: FrenchDate.string($0.lastSeen),
                             current: $0.handle == current)
        }.sorted { $0.current && !$1.current }
        let page = SessionsPage(layout: try await Layout.make(req, title: "Mes sessions"), sessions: rows, others: rows.contains { !$0.current })
        return req.guichet.renderer.html("account/sessions", page)
    }

    func endOne(req: Request) async throws -> Response {
        let account = try await req.requireAccount()
        let handle = req.form.value("session")
        // This browser's own session is closed with « Se déconnecter », which also leaves FranceConnect.
        guard !handle.isEmpty, handle != currentHandle(req),
              try await req.store.endSession(handle: handle, ofAccount: account.id, journal: req.securityEvent(.sessionEnded, accountID: account.id))
        else {
            req.flash("Cette session est déjà fermée.")
            return req.redirect(to: "/compte/sessions", redirectType: .normal)
        }
        req.flash("La session est fermée : cet appareil devra se reconnecter, et les applications qu'il avait ouvertes sont déconnectées.")
        return req.redirect(to: "/compte/sessions", redirectType: .normal)
    }

    func endOthers(req: Request) async throws -> Response {
        let account = try await req.requireAccount()
        guard let current = currentHandle(req) else { throw Abort(.forbidden) }
        let ended = try await req.store.endOtherSessions(ofAccount: account.id, keeping: current,
                                                         journal: req.securityEvent(.otherSessionsEnded, accountID: account.id))
        req.flash(ended == 0 ? "Aucune autre session n'était ouverte." : ended == 1 ? "Une autre session a été fermée." : "\(ended) autres sessions ont été fermées.")
        return req.redirect(to: "/compte/sessions", redirectType: .normal)
    }

    func journal(req: Request) async throws -> Response {
        let account = try await req.requireAccount()
        let rows = try await req.store.securityEvents(ofAccount: account.id).map {
            JournalPage.Row(when: FrenchDate.string($0.at), what: $0.kind.french, detail: $0.detail, device: $0.device ?? "Appareil inconnu",
                            ip: $0.ip ?? "—", alert: $0.kind.isAlert)
        }
        let page = JournalPage(layout: try await Layout.make(req, title: "Journal de sécurité"), events: rows, alerts: rows.contains(where: \.alert))
        return req.guichet.renderer.html("account/security", page)
    }

    private func currentHandle(_ req: Request) -> String? {
        req.hasSession ? req.session.id.map { req.store.sessionHandle(secret: $0.string) } : nil
    }
}
