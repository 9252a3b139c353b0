import Demarches
import Expressions
import Foundation
import Storage
import Territory
import Vapor
import WebSupport
import Workflow

struct RequestsController {
    struct InboxPageVM {
        struct Row { var number: String; var title: String; var status: StatusVM; var citizen: String; var email: String; var submitted: String; var updated: String }
        struct Tab { var label: String; var count: Int; var url: String; var current: Bool }
        struct Choice { var value: String; var label: String; var selected: Bool }
        var layout: Layout
        var slug: String
        var isAdmin: Bool
        var rows: [Row]
        var tabs: [Tab]
        var demarches: [Choice]
        var sorts: [Choice]
        var q: String
        var from: String
        var to: String
        /// The status tab the filters apply within.
        var status: String?
        /// A commune's back-office: its own requests, or those the Métropole shared into it (`origine=metropole`).
        var showsOrigins: Bool
        var shared: Bool
        var ownURL: String
        var sharedURL: String
        /// The dates are the wrong way round: said, since nothing can match.
        var invertedDates: Bool
        var total: Int
        var totalLabel: String
        var page: Int
        var pageCount: Int
        var previousURL: String?
        var nextURL: String?
    }

    func inbox(req: Request) async throws -> Response {
        let (scope, _) = try await req.agentScope()
        var query = InboxQuery()
        let params = (try? req.query.decode([String: String].self)) ?? [:]
        query.demarcheSlug = params["demarche"].flatMap { $0.isEmpty ? nil : $0 }
        query.status = params["statut"].flatMap { $0.isEmpty ? nil : $0 }
        query.text = params["q"]
        query.from = params["du"].flatMap(InboxQuery.start(ofDay:))
        query.to = params["au"].flatMap(InboxQuery.end(ofDay:))
        query.sort = params["tri"].flatMap(InboxQuery.Sort.init(rawValue:)) ?? .newest
        query.page = params["page"].flatMap(Int.init) ?? 1
        query.shared = params["origine"] == "metropole" && scope.collectivite.kind == .commune
        let page = try await req.store.inbox(query, in: scope)

        // Status labels come from the current definitions of the démarches shown.
        var workflows: [String: WorkflowDefinition] = [:]
        var statusOrder: [(id: String, label: String)] = []
        let demarches = try await req.store.currentDemarches(in: scope)
        let summaries = demarches.map(\.summary)
        // A shared inbox's requests are another collectivité's démarches: their statuses are named by its workflows.
        var others: [(DemarcheSummary, VersionedDemarche)] = []
        for filer in Set(page.rows.map(\.collectivite)) where filer != scope.slug {
            if let other = try await req.store.citizenScope(slug: filer) { others += try await req.store.currentDemarches(in: other) }
        }
        for (summary, current) in demarches + others {
            workflows[summary.slug] = current.definition.workflow
            for s in current.definition.workflow.statuses where !statusOrder.contains(where: { $0.id == s.id }) {
                statusOrder.append((s.id, s.label))
            }
        }
        func url(status: String?, page: Int? = nil) -> String {
            var p = params
            p["statut"] = status; p["page"] = page.map(String.init)
            let items = p.filter { !$0.value.isEmpty }.sorted { $0.key < $1.key }.map { URLQueryItem(name: $0.key, value: $0.value) }
            var c = URLComponents(); c.queryItems = items
            return "/bo/\(scope.slug)/demandes" + (items.isEmpty ? "" : "?" + (c.percentEncodedQuery ?? ""))
        }
        var tabs = [InboxPageVM.Tab(label: "Toutes", count: page.countsByStatus.values.reduce(0, +), url: url(status: nil), current: query.status == nil)]
        for s in statusOrder where page.countsByStatus[s.id] != nil || query.status == s.id {
            tabs.append(.init(label: s.label, count: page.countsByStatus[s.id] ?? 0, url: url(status: s.id), current: query.status == s.id))
        }
        let rows = page.rows.map { r in
            InboxPageVM.Row(number: r.number, title: r.demarcheTitle,
                            status: workflows[r.demarcheSlug].map { StatusVM($0, r.status) } ?? StatusVM(WorkflowDefinition(initialStatus: "", statuses: [], transitions: []), r.status),
                            citizen: r.citizenName ?? "", email: r.email, submitted: FrenchDate.string(millis: r.submittedAt), updated: FrenchDate.string(millis: r.updatedAt))
        }
        let sortLabels: [InboxQuery.Sort: String] = [.newest: "Plus récentes", .oldest: "Plus anciennes", .number: "Numéro"]
        let vm = InboxPageVM(
            layout: try await req.layout(scope, title: "Demandes"), slug: scope.slug, isAdmin: scope.isAdmin, rows: rows, tabs: tabs,
            demarches: summaries.map { .init(value: $0.slug, label: $0.title, selected: $0.slug == query.demarcheSlug) },
            sorts: InboxQuery.Sort.allCases.map { .init(value: $0.rawValue, label: sortLabels[$0]!, selected: $0 == query.sort) },
            q: query.text ?? "", from: params["du"] ?? "", to: params["au"] ?? "", status: query.status,
            showsOrigins: scope.collectivite.kind == .commune, shared: query.shared,
            ownURL: "/bo/\(scope.slug)/demandes", sharedURL: "/bo/\(scope.slug)/demandes?origine=metropole",
            invertedDates: query.from.flatMap { from in query.to.map { from >= $0 } } ?? false,
            total: page.total, totalLabel: page.total == 0 ? "Aucune demande" : page.total == 1 ? "1 demande" : "\(FrenchNumber.format(Decimal(page.total))) demandes",
            page: page.page, pageCount: page.pageCount,
            previousURL: page.page > 1 ? url(status: query.status, page: page.page - 1) : nil,
            nextURL: page.page < page.pageCount ? url(status: query.status, page: page.page + 1) : nil)
        return req.guichet.renderer.html("grc/inbox", vm)
    }

    struct DetailVM {
        struct Action { var id: String; var label: String }
        struct Item { var label: String; var text: String }
        struct Document { var title: String; var url: String; var forCitizen: Bool }
        var layout: Layout
        var slug: String
        var number: String
        var title: String
        var version: Int
        var status: StatusVM
        var email: String
        var submittedAt: String
        var data: [DataItem]
        var history: [EventVM]
        var actions: [Action]
        var globalActions: [Action]
        /// Back-office fields and webhook answers: agents only.
        var backOffice: [Item]
        var assigned: String?
        /// Who answers for it, as routing decided: collectivité, service, category.
        var routedTo: String?
        /// Its relays to the commune that answers for it: where, sent or failing, acknowledged, closed.
        var relays: [String]
        /// Re-categorising or correcting the place: for the collectivité it was filed with, while it is open.
        var reroute: Reroute?
        /// Whose request this is, when it is shared between two back-offices.
        var sharedNotice: String?
        struct Reroute { struct Option { var value: String; var label: String; var selected: Bool }; var categories: [Option]; var places: [Option] }
        var correction: String?
        var documents: [Document]
        /// An admin may reopen a closed request.
        var canReopen: Bool
        var error: String?
    }

    func show(req: Request) async throws -> Response {
        let (scope, account) = try await req.agentScope()
        let number = req.parameters.get("number") ?? ""
        guard let detail = try await req.store.demande(number: number, in: scope) else { throw Abort(.notFound) }
        // The first opening of a shared request writes a history line: only then is the request read again.
        if try await req.store.markSharedRequestOpened(detail, in: scope, by: .agent(account.id, name: account.name)) {
            return try await detailPage(req, scope, number: number, error: nil)
        }
        return try await detailPage(req, scope, loaded: detail, error: nil)
    }

    func transition(req: Request) async throws -> Response {
        let (scope, account) = try await req.agentScope()
        let number = req.parameters.get("number") ?? ""
        // A button that closes the request (a decision) or asks for a correction is confirmed first, with its text.
        do {
            switch try await DecisionController().confirming(req: req, scope: scope, number: number, actor: .agent(account.id, name: account.name)) {
            case .success(let page): return page
            case .failure(let refusal): return try await detailPage(req, scope, number: number, error: refusal.frenchMessage, status: .conflict)
            case nil: break
            }
        } catch StoreError.conflict {
            return try await detailPage(req, scope, number: number, error: "La demande a changé entre-temps : vérifiez-la et recommencez.", status: .conflict)
        }
        return try await step(req, scope, number) {
            try await Filing(req.guichet).transition(number: number, transitionID: req.form.value("transition"), in: scope,
                                                     actor: .agent(account.id, name: account.name))
                .map { (flash: "Statut de la demande \(number) : \($0.label).", to: "/bo/\(scope.slug)/demandes/\(number)") }
        }
    }

    func globalAction(req: Request) async throws -> Response {
        let (scope, account) = try await req.agentScope()
        let number = req.parameters.get("number") ?? ""
        return try await step(req, scope, number) {
            try await Filing(req.guichet).runAction(number: number, actionID: req.form.value("action"), in: scope,
                                                    actor: .agent(account.id, name: account.name))
                .map { action in
                    // A deleting action leaves no request to go back to.
                    (flash: "« \(action.label) » : fait.",
                     to: "/bo/\(scope.slug)/demandes" + (action.actions.contains(.delete) ? "" : "/\(number)"))
                }
        }
    }

    /// An agent's step on a request (a button or a global action): on success the flash and where to go; a refusal
    /// or a concurrent change shows the request again with why.
    private func step(_ req: Request, _ scope: TenantScope, _ number: String,
                      _ run: () async throws -> Result<(flash: String, to: String), TransitionRefusal>) async throws -> Response {
        do {
            switch try await run() {
            case .success(let done):
                req.flash(done.flash)
                return req.redirect(to: done.to, redirectType: .normal)
            case .failure(let refusal):
                return try await detailPage(req, scope, number: number, error: refusal.frenchMessage, status: .conflict)
            }
        } catch StoreError.notFound { throw Abort(.notFound) }
        catch StoreError.conflict {
            return try await detailPage(req, scope, number: number, error: "La demande a changé entre-temps : vérifiez-la et recommencez.", status: .conflict)
        }
    }

    func comment(req: Request) async throws -> Response {
        let (scope, account) = try await req.agentScope()
        let number = req.parameters.get("number") ?? ""
        let body = req.form.value("texte").trimmingCharacters(in: .whitespacesAndNewlines)
        let kind: DemandeEvent.Kind = req.form.value("type") == "message" ? .message : .note
        guard !body.isEmpty, body.count <= 5000 else {
            return try await detailPage(req, scope, number: number, error: "Le texte est vide ou dépasse 5 000 caractères.", status: .unprocessableEntity)
        }
        do { try await Filing(req.guichet).comment(number: number, kind: kind, body: body, in: scope, actor: .agent(account.id, name: account.name)) }
        catch StoreError.notFound { throw Abort(.notFound) }
        req.flash(kind == .message ? "Message envoyé à l'usager." : "Note ajoutée.")
        return req.redirect(to: "/bo/\(scope.slug)/demandes/\(number)", redirectType: .normal)
    }

    func file(req: Request) async throws -> Response {
        let (scope, _) = try await req.agentScope()
        guard let detail = try await req.store.demande(number: req.parameters.get("number") ?? "", in: scope),
              let (file, data) = try req.store.file(id: req.parameters.get("file") ?? "", of: detail) else { throw Abort(.notFound) }
        return Download.response(file, data)
    }

    private func sharedNotice(_ req: Request, _ detail: DemandeDetail, _ scope: TenantScope) async throws -> String? {
        guard let commune = detail.sharedWith else { return nil }
        if commune == scope.slug {
            let filer = try await req.store.collectivite(slug: detail.collectivite)?.name ?? detail.collectivite
            return "Demande reçue par la \(filer) et transmise à votre commune, compétente : vous la traitez ; ses agents la voient."
        }
        let name = try await req.store.collectivite(slug: commune)?.name ?? commune
        return "Transmise à la mairie \(FrenchName.de(name)), compétente, qui la traite dans son espace agents : vous la consultez et pouvez y ajouter des notes."
    }

    private func rerouteForm(_ req: Request, _ detail: DemandeDetail) async throws -> DetailVM.Reroute {
        let categories = try await req.store.competenceCategories()
        let communes = try await req.store.collectivites().filter { $0.kind == .commune }
        let current = detail.routing?.category
        return .init(categories: categories.map { .init(value: $0.id, label: $0.label, selected: $0.id == current) },
                     places: [.init(value: "", label: "Selon les réponses de la demande", selected: true)]
                         + communes.map { .init(value: $0.slug, label: $0.name, selected: false) })
    }

    /// An agent re-categorises the request or corrects the commune of its place.
    func reroute(req: Request) async throws -> Response {
        let (scope, account) = try await req.agentScope()
        let number = req.parameters.get("number") ?? ""
        guard let detail = try await req.store.demande(number: number, in: scope) else { throw Abort(.notFound) }
        let category = req.form.value("categorie"), place = req.form.value("lieu")
        let communes = try await req.store.collectivites().filter { $0.kind == .commune }.map(\.slug)
        guard try await req.store.competenceCategories().contains(where: { $0.id == category }), place.isEmpty || communes.contains(place) else {
            return try await detailPage(req, scope, number: number, error: "Choisissez une catégorie et un lieu de la liste.", status: .unprocessableEntity)
        }
        let changed = try await Filing(req.guichet).reroute(detail, category: category, place: place.isEmpty ? nil : place, in: scope,
                                                            actor: .agent(account.id, name: account.name))
        req.flash(changed ? "Demande réorientée." : "Rien ne change : la demande était déjà orientée ainsi.")
        return req.redirect(to: "/bo/\(scope.slug)/demandes/\(number)", redirectType: .normal)
    }

    /// « Relayée par e-mail à accueil@mairie-bron.fr le 03/12/2026 à 14 h 05 — envoyée — réception confirmée le … ».
    static func relayLine(_ relay: StoredRelay) -> String {
        let when = FrenchDate.string(relay.createdAt)
        let how = switch relay.channel {
        case .inbox: "Transmise à l'espace agents de la mairie le \(when)"
        case .connector: "Transmise au logiciel de la mairie (connecteur) le \(when)"
        case .email: "Relayée par e-mail" + (relay.address.map { " à \($0)" } ?? "") + " le \(when)"
        }
        var parts = [how]
        if let reference = relay.reference { parts.append("référence de la mairie : \(reference)") }
        switch relay.delivery {
        case .inbox, .connector: break
        case .noAddress: parts.append("aucune adresse connue pour la mairie : à relayer autrement")
        case .waiting: parts.append("en attente d'envoi")
        case .sent: parts.append("envoyée")
        case .failing(let attempts, _): parts.append("envoi en échec (\(attempts) tentative\(attempts > 1 ? "s" : ""))")
        }
        if let at = relay.acknowledgedAt { parts.append((relay.channel == .inbox ? "ouverte par la mairie le " : "réception confirmée le ") + FrenchDate.string(at)) }
        else if relay.closedAt == nil { parts.append("sans accusé de réception") }
        if let at = relay.closedAt { parts.append("close par la mairie le \(FrenchDate.string(at))") }
        return parts.joined(separator: " — ")
    }

    private func detailPage(_ req: Request, _ scope: TenantScope, number: String, error: String?, status: HTTPStatus = .ok) async throws -> Response {
        guard let detail = try await req.store.demande(number: number, in: scope) else { throw Abort(.notFound) }
        return try await detailPage(req, scope, loaded: detail, error: error, status: status)
    }

    private func detailPage(_ req: Request, _ scope: TenantScope, loaded detail: DemandeDetail, error: String?, status: HTTPStatus = .ok) async throws -> Response {
        let definition = detail.demarche.definition
        let workflow = definition.workflow
        let offered = req.store.offeredActions(on: detail, in: scope)
        let fileURL = { (id: String) in "/bo/\(scope.slug)/demandes/\(detail.number)/fichiers/\(id)" }
        let vm = DetailVM(
            layout: try await req.layout(scope, title: "Demande \(detail.number)"), slug: scope.slug, number: detail.number,
            title: definition.title, version: detail.demarche.version, status: StatusVM(workflow, detail.status),
            email: detail.email, submittedAt: FrenchDate.string(detail.submittedAt),
            data: DataItem.list(form: definition.form, data: detail.data) { fileURL($0.id) },
            history: EventVM.list(detail.events, workflow: workflow, replyFiles: detail.replyFiles) { fileURL($0.id) },
            actions: offered.transitions.map { .init(id: $0.id, label: $0.label) },
            globalActions: offered.globalActions.map { .init(id: $0.id, label: $0.label) },
            backOffice: detail.backOffice.map {
                DetailVM.Item(label: workflow.backOfficeLabel($0.key), text: definition.backOfficeValue($0.key, $0.value).frenchText)
            }.sortedFrench(by: \.label),
            // The service by its name, not its identifier (« Vie associative », not « vie-associative »).
            assigned: detail.assignedRole.map { role in
                let label = Store.serviceName(role)
                return detail.assignedAgent.map { "\(label) — \($0)" } ?? label
            },
            routedTo: try await req.routingSummary(of: detail),
            relays: try await req.store.relays(ofDemande: detail.id).map(Self.relayLine),
            reroute: workflow.status(detail.status)?.isEnd == true || detail.collectivite != scope.slug ? nil : try await rerouteForm(req, detail),
            sharedNotice: try await sharedNotice(req, detail, scope),
            correction: detail.correction,
            documents: detail.documents.map { .init(title: $0.file.filename, url: fileURL($0.file.id), forCitizen: $0.visibleToCitizen) },
            canReopen: scope.isAdmin && (detail.sharedWith ?? scope.slug) == scope.slug && req.store.reopeningStatus(of: detail) != nil,
            error: error)
        return req.guichet.renderer.html("grc/demande", vm, status: status)
    }
}
