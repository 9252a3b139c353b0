import Demarches
import Foundation
import Identity
import Messaging
import Routing
import Storage
import Territory

extension Filing {
    /// Files attached to a relay e-mail, in the order of the form, while their total stays under this; the others
    /// are listed, and downloaded from the link's page (mail servers refuse large messages).
    static let relayAttachmentBudget = 10_000_000

    /// The relay of a request filed with the Métropole that a commune answers for (`Relay`): into the commune's
    /// back-office when it has one, to its connector when it is *connecté* and has one, else the e-mail to the
    /// town hall with the whole request, composed here and committed with the filing. Nil when the request stays
    /// with the collectivité it was filed with.
    func relayOrder(_ routing: RoutingDecision, demarche: VersionedDemarche, values: [String: FieldValue], filedWith: Collectivite,
                    citizen: (name: String, email: String)) async throws -> RelayOrder? {
        guard let commune = Relay.commune(of: routing, filedWith: filedWith) else { return nil }
        let hasConnector = commune.membership == .connecte ? try await context.store.hasConnector(commune: commune.slug) : false
        switch Relay.channel(for: commune, hasConnector: hasConnector) {
        case .inbox:
            return RelayOrder(commune: commune.slug, channel: .inbox, address: nil, secret: Secret.token(),
                              historyLine: "Transmise à la mairie \(FrenchName.de(commune.name)), dans son espace agents Guichet", mail: nil)
        case .connector:
            let (definition, baseURL, category) = (demarche.definition, context.baseURL, routing.category?.id)
            return RelayOrder(commune: commune.slug, channel: .connector, address: nil, secret: Secret.token(),
                              historyLine: "Transmise au logiciel de la mairie \(FrenchName.de(commune.name)) (connecteur)", mail: nil) { filed in
                let request = Self.connectorRequest(definition: definition, values: values, number: filed.number, submittedAt: filed.submittedAt,
                                                    citizen: citizen, category: category, commune: commune.slug, baseURL: baseURL)
                return ConnectorNotice(type: .transmitted, occurredAt: filed.submittedAt, number: filed.number, status: filed.status,
                                       statusLabel: definition.workflow.status(filed.status)?.label ?? filed.status, request: request)
            }
        case .email:
            break
        }
        let townHall = Relay.address(for: commune, category: routing.category)
        let address = context.relayRecipientOverride ?? townHall
        let secret = Secret.token()
        let link = context.baseURL + "/relais/" + secret
        let definition = demarche.definition
        let answers = DataItem.list(form: definition.form, data: values) { _ in "" }.map { item in
            "\(item.label) : " + (item.files.isEmpty ? item.text.replacingOccurrences(of: "\n", with: ", ") : item.files.map(\.name).joined(separator: ", "))
        }
        var budget = Self.relayAttachmentBudget
        var attachments: [MailAttachment] = [], files: [(name: String, attached: Bool)] = []
        for (file, _) in FieldValue.files(in: values) {
            let attached = file.size <= budget
            if attached {
                budget -= file.size
                attachments.append(MailAttachment(fileID: file.id, filename: file.filename, contentType: file.contentType))
            }
            files.append((file.filename, attached))
        }
        let validUntil = FrenchDate.day(context.store.clock().addingTimeInterval(Double(Relay.linkLifetimeDays) * 86_400))
        let (metropole, category) = (filedWith.name, routing.category?.label)
        let citizen = citizen.email.isEmpty ? citizen.name : "\(citizen.name) <\(citizen.email)>"
        let (listed, attached) = (files, attachments)
        return RelayOrder(commune: commune.slug, channel: .email, address: address, secret: secret,
                          historyLine: "Relayée par e-mail à la mairie \(FrenchName.de(commune.name))" + (address.map { " (\($0))" } ?? "")
                              + (context.relayRecipientOverride != nil ? ", au lieu de \(townHall ?? "son adresse") (GUICHET_RELAY_TO)" : ""),
                          mail: { filed in
            Mails.relay(to: address ?? "", from: metropole, commune: commune.name,
                        request: .init(number: filed.number, demarche: definition.title, category: category,
                                       receivedAt: FrenchDate.string(filed.submittedAt), citizen: citizen, answers: answers, files: listed),
                        link: link, linkValidUntil: validUntil, attachments: attached)
        })
    }
}

extension Filing {
    /// An agent re-categorises a request or corrects the commune of its place (`lieu`, a slug; nil: where its
    /// answers put it): routed again by the category's competence, the history saying who answered then and who
    /// does now, and a relay e-mail to the new commune when it is one. False when nothing changes.
    public func reroute(_ detail: DemandeDetail, category: String, place: String?, in scope: TenantScope, actor: Actor) async throws -> Bool {
        let store = context.store
        let router = try await store.router()
        let request = Router.Request(definition: detail.demarche.definition, answers: detail.data, filedWith: detail.collectivite)
        guard let decision = router.reroute(request, category: category, place: place) else { throw StoreError.notFound }
        let before: String
        if let old = detail.routing, let c = try await store.collectivite(slug: old.collectivite) {
            before = RoutingText.summary(c, service: old.service, category: old.category.map { router.category($0)?.label ?? $0 })
        } else {
            before = "\(scope.collectivite.name), où elle a été déposée"
        }
        let after = RoutingText.summary(decision.collectivite, service: decision.service, category: decision.category?.label)
        let relay = try await relayOrder(decision, demarche: detail.demarche, values: detail.data, filedWith: scope.collectivite,
                                         citizen: (detail.events.first?.actorName ?? "Usager", detail.email))
        let changed = try await store.reroute(number: detail.number, to: decision, historyLine: "Traitée par : \(before) → \(after)",
                                              relay: relay, in: scope, actor: actor)
        if changed && relay != nil { await context.mailQueued() }
        return changed
    }
}

extension Filing {
    /// A request as a commune's software reads it: every answer as text under its question's key, and the files
    /// with where the connector's token downloads them.
    public static func connectorRequest(definition: DemarcheDefinition, values: [String: FieldValue], number: String, submittedAt: Date,
                                        citizen: (name: String, email: String), category: String?, commune: String,
                                        baseURL: String) -> ConnectorRequest {
        let form = definition.form
        let answers = form.fields.compactMap { field -> ConnectorRequest.Answer? in
            guard let value = values[field.id] else { return nil }
            if case .files = value { return nil }
            return .init(key: field.id, label: field.label, value: DataItem.text(value, field, isDate: form.logic.types[field.id] == .date))
        }
        let files = FieldValue.files(in: values).map { file, _ in
            ConnectorRequest.File(id: file.id, name: file.filename, contentType: file.contentType, size: file.size,
                                  url: baseURL + "/api/v1/connecteur/demandes/\(number)/fichiers/\(file.id)")
        }
        return ConnectorRequest(demarche: definition.slug, demarcheTitle: definition.title, category: category, commune: commune,
                                receivedAt: submittedAt, citizen: .init(name: citizen.name, email: citizen.email.isEmpty ? nil : citizen.email),
                                answers: answers, files: files)
    }
}

extension Filing {
    /// A commune answers the citizen through its relay (its link's page, or its software through the connector
    /// API): in the history, and e-mailed, signed « la mairie de … ».
    public func answerThroughRelay(_ relay: StoredRelay, body: String, by actor: Actor) async throws {
        let store = context.store
        let followURL = context.followURL
        let signed = "la mairie " + FrenchName.de(try await store.collectivite(slug: relay.commune)?.name ?? relay.commune)
        try await store.answerThroughRelay(relay, body: body, by: actor) { detail in
            detail.email.isEmpty ? [] : [Mails.message(to: detail.email, collectivite: signed, number: detail.number, body: body,
                                                      followURL: followURL(detail.number))]
        }
        await context.mailQueued()
    }

    /// Who acts through a relay, as the history names them: the town hall, not a person.
    public func relayActor(_ relay: StoredRelay) async throws -> Actor {
        .commune(relay.commune, name: "Mairie " + FrenchName.de(try await context.store.collectivite(slug: relay.commune)?.name ?? relay.commune))
    }
}
