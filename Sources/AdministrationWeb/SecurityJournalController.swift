import Foundation
import Identity
import Storage
import Territory
import Vapor
import WebSupport
import Workflow

/// The Métropole's admins search the security journal of every account (`/bo/metropole/securite`): by address,
/// kind of event and days. Another collectivité's back-office is refused by the store: accounts are the platform's.
struct SecurityJournalController {
    struct Page {
        struct Row { var when: String; var email: String; var what: String; var detail: String?; var device: String; var ip: String }
        struct Choice { var value: String; var label: String; var selected: Bool }
        var layout: Layout
        var slug: String
        var email: String
        var from: String
        var to: String
        var kinds: [Choice]
        var rows: [Row]
        var searched: Bool
        var emailError: String?
        var fromError: String?
        var toError: String?
        var hasErrors: Bool
        /// The search stopped at its limit: narrow it to see older lines.
        var truncated: Bool
    }

    static let limit = 200

    func page(req: Request) async throws -> Response {
        let (scope, _) = try await req.agentScope()
        func query(_ name: String) -> String { String(((try? req.query.get(String.self, at: name)) ?? "").trimmingCharacters(in: .whitespaces).prefix(254)) }
        let email = query("courriel").lowercased(), kindName = query("type"), from = query("du"), to = query("au")
        var errors: [String: String] = [:]
        if !email.isEmpty, !Email.isValid(email) { errors["email"] = "Saisissez une adresse e-mail complète, par exemple nom@exemple.fr." }
        let start = from.isEmpty ? nil : Self.day(from), end = to.isEmpty ? nil : Self.day(to).flatMap { _ in LocalTime.endOfDay(iso: to) }
        if !from.isEmpty, start == nil { errors["from"] = "Saisissez une date au format JJ/MM/AAAA." }
        if !to.isEmpty, end == nil { errors["to"] = "Saisissez une date au format JJ/MM/AAAA." }
        if let start, let end, end <= start { errors["to"] = "La date de fin est avant la date de début." }
        let kind = SecurityEvent.Kind(rawValue: kindName)
        let searched = !(email.isEmpty && kindName.isEmpty && from.isEmpty && to.isEmpty)
        let lines = errors.isEmpty
            ? try await req.store.searchSecurityEvents(email: email.isEmpty ? nil : email, kind: kind, from: start, to: end, limit: Self.limit + 1, in: scope)
            : []
        let rows = lines.prefix(Self.limit).map {
            Page.Row(when: FrenchDate.string($0.event.at), email: $0.email ?? "compte supprimé", what: $0.event.kind.french, detail: $0.event.detail,
                     device: $0.event.device ?? "—", ip: $0.event.ip ?? "—")
        }
        let kinds = [Page.Choice(value: "", label: "Tous", selected: kind == nil)]
            + SecurityEvent.Kind.allCases.map { Page.Choice(value: $0.rawValue, label: $0.french, selected: $0 == kind) }
        let title = errors.isEmpty ? "Journal de sécurité" : "Erreur — Journal de sécurité"
        let page = Page(layout: try await req.layout(scope, title: title), slug: scope.slug, email: email, from: from, to: to, kinds: kinds,
                        rows: Array(rows), searched: searched, emailError: errors["email"], fromError: errors["from"], toError: errors["to"],
                        hasErrors: !errors.isEmpty, truncated: lines.count > Self.limit)
        return req.guichet.renderer.html("administration/security", page, status: errors.isEmpty ? .ok : .unprocessableEntity)
    }

    /// A `YYYY-MM-DD` day (what a date field sends) that exists.
    static func day(_ text: String) -> Date? {
        guard FrenchDate.isoDay(text) != nil, let start = LocalTime.startOfDay(iso: text),
              LocalTime.calendar.dateComponents([.year, .month, .day], from: start).day == Int(text.suffix(2)) else { return nil }
        return start
    }
}
