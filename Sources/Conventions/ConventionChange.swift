import Expressions
import Foundation

/// One change the Métropole's admins make to the catalogue or to a commune's convention. Applied to the inputs
/// of the contributions, it gives the inputs after it: the what-if compares both before anything is saved, and
/// saving stores exactly what was compared.
public enum ConventionChange: Sendable, Equatable {
    /// A rate changed by avenant, from a billing year on; the years before keep theirs.
    case setPricing(serviceID: String, offer: Offer?, fromYear: Int, pricing: Pricing)
    /// A service added to the convention cadre by avenant, with its annex and its pricing (no offer levels).
    case addService(SharedService)
    /// An offer that can be joined from now on (*abonné*, once its catalogue exists).
    case openOffer(serviceID: String, offer: Offer)
    case createConvention(insee: String, signed: Day, start: Day)
    case join(insee: String, serviceID: String, offer: Offer?, from: Day)
    /// The current membership stops the day before `from`, and one at the new offer starts that day.
    case changeOffer(insee: String, serviceID: String, offer: Offer, from: Day)
    /// The service stops on `on` (its last day is the day before), the others going on.
    case stop(insee: String, serviceID: String, on: Day)
    /// Termination or non-renewal: every service stops on `on`.
    case terminate(insee: String, on: Day)
    /// What the commune paid in 2025 under its earlier convention, the start of its transition (nil: none).
    case setEarlierAmount(insee: String, serviceID: String, amount: Decimal?)

    /// The commune whose convention the change rewrites, if any.
    public var insee: String? {
        switch self {
        case .setPricing, .addService, .openOffer: nil
        case .createConvention(let insee, _, _), .join(let insee, _, _, _), .changeOffer(let insee, _, _, _), .stop(let insee, _, _),
             .terminate(let insee, _), .setEarlierAmount(let insee, _, _): insee
        }
    }

    /// The service whose catalogue entry the change rewrites, if any.
    public var catalogueServiceID: String? {
        switch self {
        case .setPricing(let id, _, _, _), .openOffer(let id, _): id
        case .addService(let service): service.id
        default: nil
        }
    }

    /// The first billing year the change can alter.
    public var firstYearAffected: Int {
        switch self {
        case .setPricing(_, _, let year, _): year
        case .addService(let service): service.schedule.map(\.fromYear).min() ?? ServiceCatalogue.baseYear
        case .openOffer, .setEarlierAmount: ServiceCatalogue.baseYear
        case .createConvention(_, _, let day), .join(_, _, _, let day), .changeOffer(_, _, _, let day), .stop(_, _, let day), .terminate(_, let day):
            max(ServiceCatalogue.baseYear, Int(day.prefix(4)) ?? ServiceCatalogue.baseYear)
        }
    }
}

/// Why a change cannot be made, in French, with the form field it is about (to show the message next to it).
public struct ChangeRefused: Error, Equatable, Sendable {
    public var field: String
    public var message: String
    public init(field: String, _ message: String) { self.field = field; self.message = message }
}

extension ContributionsReport.Inputs {
    /// These inputs with `change` made, or why it cannot be.
    public func applying(_ change: ConventionChange) throws(ChangeRefused) -> Self {
        var after = self
        switch change {
        case .setPricing(let id, let offer, let fromYear, let pricing):
            guard let i = services.firstIndex(where: { $0.id == id }) else { throw ChangeRefused(field: "service", "Service inconnu.") }
            guard services[i].offers.contains(offer) else { throw ChangeRefused(field: "service", "Ce service n'a pas cette offre.") }
            try Self.check(fromYear: fromYear)
            try Self.check(pricing)
            after.services[i].schedule.removeAll { $0.offer == offer && $0.fromYear == fromYear }
            after.services[i].schedule.append(PricingEntry(offer: offer, fromYear: fromYear, pricing: pricing))
            after.services[i].schedule.sort { ($0.offer?.rawValue ?? "", $0.fromYear) < ($1.offer?.rawValue ?? "", $1.fromYear) }

        case .addService(let service):
            guard service.id.count >= 2, service.id.count <= 40, service.id.allSatisfy({ ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-" }) else {
                throw ChangeRefused(field: "identifiant", "Identifiant attendu en minuscules, chiffres et tirets (2 à 40 caractères), par exemple « sig-commun ».")
            }
            guard !services.contains(where: { $0.id == service.id }) else {
                throw ChangeRefused(field: "identifiant", "Un service « \(service.id) » existe déjà.")
            }
            guard !service.name.trimmingCharacters(in: .whitespaces).isEmpty else { throw ChangeRefused(field: "nom", "Le nom du service est obligatoire.") }
            guard !service.annex.trimmingCharacters(in: .whitespaces).isEmpty else {
                throw ChangeRefused(field: "annexe", "L'annexe qui décrit le service est obligatoire (par exemple « Annexe 3 »).")
            }
            guard service.schedule.count == 1, let entry = service.schedule.first, entry.offer == nil else {
                throw ChangeRefused(field: "tarif", "Un service ajouté par avenant a un seul tarif, sans niveaux d'offre.")
            }
            try Self.check(fromYear: entry.fromYear)
            try Self.check(entry.pricing)
            after.services.append(service)

        case .openOffer(let id, let offer):
            guard let i = services.firstIndex(where: { $0.id == id }), services[i].offers.contains(offer) else {
                throw ChangeRefused(field: "offre", "Ce service n'a pas cette offre.")
            }
            guard !services[i].openOffers.contains(offer) else { throw ChangeRefused(field: "offre", "L'offre \(offer.french) est déjà ouverte.") }
            after.services[i].openOffers.insert(offer)

        case .createConvention(let insee, let signed, let start):
            guard names[insee] != nil else { throw ChangeRefused(field: "commune", "Commune inconnue.") }
            guard conventions[insee] == nil else { throw ChangeRefused(field: "commune", "Cette commune a déjà une convention cadre.") }
            try Self.check(day: signed, field: "signee_le")
            try Self.check(day: start, field: "debut")
            guard start >= "\(ServiceCatalogue.baseYear)-01-01" else {
                throw ChangeRefused(field: "debut", "La convention cadre prend effet au plus tôt le 01/01/\(ServiceCatalogue.baseYear).")
            }
            guard signed <= start else { throw ChangeRefused(field: "signee_le", "La signature précède le début de la convention.") }
            after.conventions[insee] = ConventionCadre(commune: insee, signed: signed, start: start, services: [])

        case .join(let insee, let id, let offer, let from):
            let convention = try self.convention(insee)
            guard let service = services.first(where: { $0.id == id }) else { throw ChangeRefused(field: "service", "Service inconnu.") }
            try Self.check(day: from, field: "a_partir_du")
            if service.hasOffers, offer == nil { throw ChangeRefused(field: "offre", "Choisissez une offre pour \(service.name).") }
            if !service.hasOffers, offer != nil { throw ChangeRefused(field: "offre", "\(service.name) n'a pas de niveaux d'offre.") }
            guard service.isOpen(offer) else { throw ChangeRefused(field: "offre", "L'offre \(offer?.french ?? "") n'est pas encore ouverte.") }
            guard convention.period(on: from) != nil else {
                throw ChangeRefused(field: "a_partir_du", "Ce jour n'est dans aucune période de la convention (du \(CivilDate.french(convention.start)) au \(CivilDate.french(convention.end))).")
            }
            guard !convention.services.contains(where: { $0.serviceID == id && ($0.end ?? "9999-12-31") > from }) else {
                throw ChangeRefused(field: "service", "La commune adhère déjà à ce service à cette date : changez d'offre ou arrêtez-le d'abord.")
            }
            after.conventions[insee]?.services.append(.init(serviceID: id, offer: offer, start: from))

        case .changeOffer(let insee, let id, let offer, let from):
            let convention = try self.convention(insee)
            try Self.check(day: from, field: "a_partir_du")
            guard let i = convention.services.firstIndex(where: { $0.serviceID == id && $0.start <= from && ($0.end ?? "9999-12-31") > from }),
                  convention.period(on: from) != nil else {
                throw ChangeRefused(field: "a_partir_du", "La commune n'adhère pas à ce service ce jour-là.")
            }
            let current = convention.services[i]
            guard current.offer != offer else { throw ChangeRefused(field: "offre", "C'est déjà l'offre de la commune.") }
            guard services.first(where: { $0.id == id })?.isOpen(offer) == true else {
                throw ChangeRefused(field: "offre", "L'offre \(offer.french) n'est pas ouverte pour ce service.")
            }
            guard current.start < from else {
                throw ChangeRefused(field: "a_partir_du", "Le changement prend effet après le début de l'adhésion (\(CivilDate.french(current.start))).")
            }
            after.conventions[insee]?.services[i].end = from
            after.conventions[insee]?.services.append(.init(serviceID: id, offer: offer, start: from, end: current.end))

        case .stop(let insee, let id, let on):
            let convention = try self.convention(insee)
            try Self.check(day: on, field: "le")
            guard let i = convention.services.firstIndex(where: { $0.serviceID == id && $0.start < on && ($0.end ?? "9999-12-31") > on }) else {
                throw ChangeRefused(field: "le", "La commune n'adhère pas à ce service la veille de ce jour.")
            }
            after.conventions[insee]?.services[i].end = on

        case .setEarlierAmount(let insee, let id, let amount):
            guard names[insee] != nil else { throw ChangeRefused(field: "commune", "Commune inconnue.") }
            guard services.contains(where: { $0.id == id }) else { throw ChangeRefused(field: "service", "Service inconnu.") }
            if let amount, amount < 0 { throw ChangeRefused(field: "montant_2025", "Le montant 2025 est positif ou nul.") }
            after.earlier[insee, default: [:]][id] = amount.map(Money.cents)
            if after.earlier[insee]?.isEmpty == true { after.earlier[insee] = nil }

        case .terminate(let insee, let on):
            let convention = try self.convention(insee)
            try Self.check(day: on, field: "le")
            guard convention.ended == nil else { throw ChangeRefused(field: "le", "La convention est déjà terminée.") }
            guard on > convention.start, on <= Calendars.addDays(1, to: convention.finalEnd) else {
                throw ChangeRefused(field: "le", "La fin doit tomber après le début et au plus tard le lendemain de la fin de la sixième année.")
            }
            after.conventions[insee]?.ended = on
        }
        return after
    }

    private func convention(_ insee: String) throws(ChangeRefused) -> ConventionCadre {
        guard let c = conventions[insee] else { throw ChangeRefused(field: "commune", "Cette commune n'a pas de convention cadre.") }
        if c.ended != nil { throw ChangeRefused(field: "commune", "La convention cadre de cette commune est terminée.") }
        return c
    }

    private static func check(day: Day, field: String) throws(ChangeRefused) {
        guard CivilDate(iso: day) != nil else { throw ChangeRefused(field: field, "Date attendue au format JJ/MM/AAAA.") }
    }

    private static func check(fromYear: Int) throws(ChangeRefused) {
        guard ServiceCatalogue.billingYears.contains(fromYear) else {
            throw ChangeRefused(field: "a_partir_de", "Année attendue entre \(ServiceCatalogue.baseYear) et 2100.")
        }
    }

    private static func check(_ pricing: Pricing) throws(ChangeRefused) {
        switch pricing {
        case .free: break
        case .perInhabitant(let fixed, let rate):
            guard fixed >= 0 else { throw ChangeRefused(field: "part_fixe", "La part fixe est un montant positif ou nul.") }
            guard rate >= 0 else { throw ChangeRefused(field: "taux", "Le taux par habitant est un montant positif ou nul.") }
        case .derogatory(let amount, let rule):
            guard amount >= 0 else { throw ChangeRefused(field: "montant", "Le montant est positif ou nul.") }
            guard !rule.trimmingCharacters(in: .whitespaces).isEmpty else {
                throw ChangeRefused(field: "regle", "Énoncez la règle dérogatoire telle que l'annexe la fixe.")
            }
        }
    }
}

extension Pricing {
    /// « 5 000,00 € + 0,20 € par habitant », « gratuit », « règle dérogatoire : … (1 200,00 €) ».
    public var french: String {
        switch self {
        case .free: "gratuit"
        case .perInhabitant(let fixed, let rate): "\(Money.french(fixed)) + \(Money.frenchRate(rate)) par habitant"
        case .derogatory(let amount, let rule): "règle dérogatoire : \(rule) (\(Money.french(amount)))"
        }
    }
}

extension ConventionChange {
    /// The change in one French sentence, with the names `inputs` knows.
    public func french(in inputs: ContributionsReport.Inputs) -> String {
        func service(_ id: String) -> String { inputs.services.name(of: id) }
        func commune(_ insee: String) -> String { inputs.names[insee] ?? insee }
        switch self {
        case .setPricing(let id, let offer, let year, let pricing):
            return "Tarif de \(service(id))\(offer.map { ", offre \($0.french)" } ?? "") à partir de \(year) : \(pricing.french)."
        case .addService(let s):
            return "Ajout par avenant du service « \(s.name) » (\(s.annex)) : \(s.schedule.first.map { "\($0.pricing.french) à partir de \($0.fromYear)" } ?? "")."
        case .openOffer(let id, let offer):
            return "Ouverture de l'offre \(offer.french) de \(service(id))."
        case .createConvention(let insee, let signed, let start):
            return "Convention cadre de \(commune(insee)), signée le \(CivilDate.french(signed)), à partir du \(CivilDate.french(start))."
        case .join(let insee, let id, let offer, let from):
            return "\(commune(insee)) adhère à \(service(id))\(offer.map { " (offre \($0.french))" } ?? "") à partir du \(CivilDate.french(from))."
        case .changeOffer(let insee, let id, let offer, let from):
            return "\(commune(insee)) passe à l'offre \(offer.french) de \(service(id)) le \(CivilDate.french(from))."
        case .stop(let insee, let id, let on):
            return "\(commune(insee)) arrête \(service(id)) le \(CivilDate.french(on)) (dernier jour la veille)."
        case .setEarlierAmount(let insee, let id, let amount):
            return "Montant 2025 de \(commune(insee)) pour \(service(id)) sous son ancienne convention : "
                + (amount.map { Money.french($0) + " (transition plafonnée à partir de ce montant)" } ?? "aucun (la commune paie la cible)") + "."
        case .terminate(let insee, let on):
            return "Fin de la convention cadre de \(commune(insee)) le \(CivilDate.french(on)) : tous ses services s'arrêtent."
        }
    }
}
