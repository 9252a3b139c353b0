import Conventions
import Expressions
import Foundation
import WebSupport

/// The forms that change the catalogue or a commune's convention: what each asks (labels in French, the values
/// as typed), and the change it makes, or the field whose value makes no sense. Every form posts `type` and
/// `mode` (`simuler`: show the effect, save nothing; `enregistrer`: save).
enum ConventionForms {
    struct Option { var value: String; var label: String; var selected: Bool }
    struct Input {
        var id: String
        var name: String
        var label: String
        var help: String
        var hasHelp: Bool
        var type: String
        var value: String
        var isSelect: Bool
        var options: [Option]
        var hasError: Bool
        var error: String
    }
    struct Form {
        var type: String
        var title: String
        var inputs: [Input]
        /// Values carried as they are (the commune's INSEE code).
        var hidden: [Hidden]
    }
    struct Hidden { var name: String; var value: String }

    /// The values posted and the refusal, to redraw the form that was sent as it was typed.
    struct Posted {
        var type: String
        var values: [String: String]
        var refused: ChangeRefused?
    }

    /// An input's id in the page: its form's type and its name.
    static func inputID(form: String, name: String) -> String { "\(form)_\(name)".replacingOccurrences(of: "-", with: "_") }

    static func text(_ name: String, _ label: String, type: String = "text", help: String = "", _ posted: Posted?, in form: String, default value: String = "") -> Input {
        let mine = posted?.type == form ? posted : nil
        let error = mine?.refused?.field == name ? mine?.refused?.message : nil
        return Input(id: inputID(form: form, name: name), name: name, label: label, help: help, hasHelp: !help.isEmpty, type: type,
                     value: mine?.values[name] ?? value, isSelect: false, options: [], hasError: error != nil, error: error ?? "")
    }

    static func select(_ name: String, _ label: String, _ options: [(String, String)], _ posted: Posted?, in form: String) -> Input {
        var input = text(name, label, posted, in: form, default: options.first?.0 ?? "")
        input.isSelect = true
        input.options = options.map { Option(value: $0.0, label: $0.1, selected: $0.0 == input.value) }
        return input
    }

    static let pricingKinds = [("habitant", "Part fixe + taux par habitant"), ("gratuit", "Gratuit"), ("derogatoire", "Règle dérogatoire de l'annexe")]

    // MARK: - The commune's convention

    static func communeForms(insee: String, convention: ConventionCadre?, services: [SharedService], posted: Posted?, today: Day) -> [Form] {
        let hidden = [Hidden(name: "insee", value: insee)]
        guard let convention, convention.ended == nil else {
            return convention == nil ? [Form(type: "convention", title: "Créer la convention cadre", inputs: [
                text("signee_le", "Signée le", type: "date", posted, in: "convention", default: today),
                text("debut", "Prend effet le", type: "date", help: "Durée initiale d'un an, renouvelée tacitement par période d'un an, six ans au plus.",
                     posted, in: "convention", default: "\(max(ServiceCatalogue.baseYear, (Int(today.prefix(4)) ?? ServiceCatalogue.baseYear) + 1))-01-01"),
            ], hidden: hidden)] : []
        }
        let all = services.map { ($0.id, $0.name) }
        let withOffers = services.filter(\.hasOffers).map { ($0.id, $0.name) }
        let offers = Offer.allCases.map { ($0.rawValue, $0.french) }
        var forms = [Form(type: "adhesion", title: "Adhérer à un service", inputs: [
            select("service", "Service", all, posted, in: "adhesion"),
            select("offre", "Offre", [("", "— (service sans niveaux d'offre)")] + offers, posted, in: "adhesion"),
            text("a_partir_du", "À partir du", type: "date", posted, in: "adhesion", default: today),
        ], hidden: hidden)]
        if !withOffers.isEmpty {
            forms.append(Form(type: "offre", title: "Changer d'offre", inputs: [
                select("service", "Service", withOffers, posted, in: "offre"),
                select("offre", "Nouvelle offre", offers, posted, in: "offre"),
                text("a_partir_du", "À partir du", type: "date", posted, in: "offre", default: today),
            ], hidden: hidden))
        }
        forms.append(Form(type: "arret", title: "Arrêter un service (les autres continuent)", inputs: [
            select("service", "Service", all, posted, in: "arret"),
            text("le", "Arrêt le", type: "date", help: "Premier jour sans le service.", posted, in: "arret", default: today),
        ], hidden: hidden))
        forms.append(Form(type: "montant2025", title: "Montant payé en 2025 sous l'ancienne convention", inputs: [
            select("service", "Service", all, posted, in: "montant2025"),
            text("montant_2025", "Montant 2025 (€)", help: "Le point de départ de la transition plafonnée ; vide : aucune ancienne convention pour ce service.",
                 posted, in: "montant2025"),
        ], hidden: hidden))
        forms.append(Form(type: "resiliation", title: "Résilier ou ne pas reconduire la convention", inputs: [
            text("le", "Fin le", type: "date", help: "Premier jour sans convention : tous les services s'arrêtent ce jour-là.", posted, in: "resiliation",
                 default: convention.nonRenewalDay(from: today) ?? today),
        ], hidden: hidden))
        return forms
    }

    // MARK: - The catalogue

    static func catalogueForms(services: [SharedService], posted: Posted?) -> [Form] {
        let priced = services.flatMap { s in s.offers.map { o in ("\(s.id):\(o?.rawValue ?? "")", s.name + (o.map { " — \($0.french)" } ?? "")) } }
        let closed = services.flatMap { s in s.offers.compactMap { $0 }.filter { !s.openOffers.contains($0) }.map { ("\(s.id):\($0.rawValue)", "\(s.name) — \($0.french)") } }
        let next = String(ServiceCatalogue.baseYear + 1)
        var forms = [
            Form(type: "tarif", title: "Modifier un tarif (avenant)", inputs: [
                select("service", "Service et offre", priced, posted, in: "tarif"),
                text("a_partir_de", "À partir de l'année de facturation", help: "Les années précédentes gardent leur tarif.", posted, in: "tarif", default: next),
            ] + pricingInputs(posted, in: "tarif"), hidden: []),
            Form(type: "service", title: "Ajouter un service (avenant)", inputs: [
                text("identifiant", "Identifiant", help: "Minuscules, chiffres et tirets, par exemple « sig-commun ».", posted, in: "service"),
                text("nom", "Nom du service", posted, in: "service"),
                text("annexe", "Annexe", help: "L'annexe de la convention cadre qui décrit le service.", posted, in: "service", default: "Annexe \(services.count + 1)"),
                text("a_partir_de", "Facturé à partir de l'année", posted, in: "service", default: next),
            ] + pricingInputs(posted, in: "service"), hidden: []),
        ]
        if !closed.isEmpty {
            forms.append(Form(type: "ouverture", title: "Ouvrir une offre", inputs: [select("offre", "Offre", closed, posted, in: "ouverture")], hidden: []))
        }
        return forms
    }

    private static func pricingInputs(_ posted: Posted?, in form: String) -> [Input] {
        var kind = select("tarif", "Tarif", pricingKinds, posted, in: form)
        kind.help = "Part fixe et taux pour « part fixe + taux » ; montant et règle pour une règle dérogatoire ; rien pour un service gratuit."
        kind.hasHelp = true
        return [kind,
         text("part_fixe", "Part fixe (€, valeur \(ServiceCatalogue.baseYear))", posted, in: form, default: "0"),
         text("taux", "Taux par habitant (€, valeur \(ServiceCatalogue.baseYear))", posted, in: form, default: "0"),
         text("montant", "Montant de la règle dérogatoire (€)", posted, in: form, default: "0"),
         text("regle", "Règle dérogatoire, telle que l'annexe la fixe", posted, in: form)]
    }

    // MARK: - Reading a posted form

    /// The change a posted form asks for, or the field that makes no sense.
    static func change(_ values: [String: String]) -> Result<ConventionChange, ChangeRefused> {
        func v(_ name: String) -> String { (values[name] ?? "").trimmingCharacters(in: .whitespaces) }
        func day(_ name: String) throws(ChangeRefused) -> Day {
            guard let d = CivilDate.parse(v(name)) else { throw ChangeRefused(field: name, "Date attendue au format JJ/MM/AAAA.") }
            return d
        }
        func year(_ name: String) throws(ChangeRefused) -> Int {
            guard let y = Int(v(name)) else { throw ChangeRefused(field: name, "Année attendue, par exemple \(ServiceCatalogue.baseYear + 1).") }
            return y
        }
        func amount(_ name: String) throws(ChangeRefused) -> Decimal {
            guard let a = Money.parse(v(name)) else { throw ChangeRefused(field: name, "Montant attendu en euros, par exemple 5000 ou 0,20.") }
            return a
        }
        func pricing() throws(ChangeRefused) -> Pricing {
            switch v("tarif") {
            case "gratuit": return .free
            case "habitant": return .perInhabitant(fixed: try amount("part_fixe"), rate: try amount("taux"))
            case "derogatoire": return .derogatory(amount: try amount("montant"), rule: v("regle"))
            default: throw ChangeRefused(field: "tarif", "Choisissez un tarif.")
            }
        }
        func serviceAndOffer(_ name: String) throws(ChangeRefused) -> (String, Offer?) {
            let parts = v(name).split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
            guard parts.count == 2, !parts[0].isEmpty else { throw ChangeRefused(field: name, "Choisissez un service.") }
            return (parts[0], try offer(name, parts[1]))
        }
        /// Empty: no offer (a service without offer levels).
        func offer(_ name: String, _ text: String) throws(ChangeRefused) -> Offer? {
            if text.isEmpty { return nil }
            guard let o = Offer(rawValue: text) else { throw ChangeRefused(field: name, "Offre inconnue.") }
            return o
        }
        do throws(ChangeRefused) {
            let insee = v("insee")
            switch v("type") {
            case "convention": return .success(.createConvention(insee: insee, signed: try day("signee_le"), start: try day("debut")))
            case "adhesion": return .success(.join(insee: insee, serviceID: v("service"), offer: try offer("offre", v("offre")), from: try day("a_partir_du")))
            case "offre":
                guard let o = try offer("offre", v("offre")) else { throw ChangeRefused(field: "offre", "Choisissez une offre.") }
                return .success(.changeOffer(insee: insee, serviceID: v("service"), offer: o, from: try day("a_partir_du")))
            case "arret": return .success(.stop(insee: insee, serviceID: v("service"), on: try day("le")))
            case "resiliation": return .success(.terminate(insee: insee, on: try day("le")))
            case "montant2025":
                return .success(.setEarlierAmount(insee: insee, serviceID: v("service"), amount: v("montant_2025").isEmpty ? nil : try amount("montant_2025")))
            case "tarif":
                let (id, o) = try serviceAndOffer("service")
                return .success(.setPricing(serviceID: id, offer: o, fromYear: try year("a_partir_de"), pricing: try pricing()))
            case "service":
                let entry = PricingEntry(offer: nil, fromYear: try year("a_partir_de"), pricing: try pricing())
                return .success(.addService(SharedService(id: v("identifiant"), name: v("nom"), annex: v("annexe"), schedule: [entry])))
            case "ouverture":
                let (id, o) = try serviceAndOffer("offre")
                guard let o else { throw ChangeRefused(field: "offre", "Choisissez une offre.") }
                return .success(.openOffer(serviceID: id, offer: o))
            default: throw ChangeRefused(field: "type", "Formulaire inconnu.")
            }
        } catch {
            return .failure(error)
        }
    }
}
