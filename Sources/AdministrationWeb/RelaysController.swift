import Storage
import Vapor
import WebSupport

/// The Métropole follows its relays to the communes (`/bo/metropole/relais`): where each went, whether the e-mail
/// left, whether the town hall acknowledged or closed it. The admins are alerted of the ones that need them
/// (`TimerWorker`); this page is where the alert leads.
struct RelaysController {
    struct Page {
        struct Row {
            var number: String; var url: String; var commune: String; var address: String; var sent: String
            var delivery: String; var failing: Bool; var acknowledged: String; var closed: String
        }
        struct Tab { var label: String; var url: String; var current: Bool }
        var layout: Layout
        var tabs: [Tab]
        var rows: [Row]
    }

    func page(req: Request) async throws -> Response {
        let (scope, _) = try await req.agentScope()
        guard scope.runsPlatform else { throw Abort(.forbidden) }
        let filter = Store.RelayFilter(rawValue: req.query[String.self, at: "filtre"] ?? "") ?? .all
        let names = Dictionary(try await req.store.collectivites().map { ($0.slug, $0.name) }, uniquingKeysWith: { a, _ in a })
        let rows = try await req.store.relays(filter, in: scope).map { relay in
            let (delivery, failing): (String, Bool) = switch relay.delivery {
            case .inbox: ("Dans son espace agents Guichet", false)
            case .connector: ("Par son connecteur (voir son journal)", false)
            case .noAddress: ("Aucune adresse connue", true)
            case .waiting: ("En attente d'envoi", false)
            case .sent(let date): (date.map { "Envoyé le \(FrenchDate.string($0))" } ?? "Envoyé", false)
            case .failing(let attempts, let error): ("En échec (\(attempts) tentative\(attempts > 1 ? "s" : ""))" + (error.map { " : \($0.prefix(120))" } ?? ""), true)
            }
            return Page.Row(number: relay.number, url: "/bo/\(scope.slug)/demandes/\(relay.number)", commune: names[relay.commune] ?? relay.commune,
                            address: relay.address ?? (relay.channel == .inbox ? "Espace agents" : "—"), sent: FrenchDate.string(relay.createdAt), delivery: delivery, failing: failing,
                            acknowledged: relay.acknowledgedAt.map(FrenchDate.string) ?? "—", closed: relay.closedAt.map(FrenchDate.string) ?? "—")
        }
        let labels: [(Store.RelayFilter, String)] = [(.all, "Tous"), (.waiting, "Sans accusé de réception"), (.failing, "En échec")]
        let page = Page(layout: try await req.layout(scope, title: "Relais aux communes"),
                        tabs: labels.map { .init(label: $0.1, url: "/bo/\(scope.slug)/relais?filtre=\($0.0.rawValue)", current: $0.0 == filter) },
                        rows: rows)
        return req.guichet.renderer.html("administration/relays", page)
    }
}
