import Conventions
import Foundation
import Storage
import Territory
import Vapor
import WebSupport

/// The Métropole's admins change the catalogue (rates by avenant, services added, offers opened) and each
/// commune's convention (created, services joined, offers changed, services stopped, termination). Every form
/// can be simulated first: the year's contributions before and after, commune by commune, nothing saved. Saving
/// applies the same change to what is stored (`Store.apply`).
struct ConventionEditorController {
    struct RowVM { var commune: String; var service: String; var before: String; var after: String; var difference: String }
    struct WhatIfVM {
        var description: String
        var year: Int
        var rows: [RowVM]
        var hasRows: Bool
        var totalBefore: String
        var totalAfter: String
        var totalDifference: String
        var problems: [String]
        var hasProblems: Bool
        /// The posted values, to save exactly what was simulated.
        var hidden: [ConventionForms.Hidden]
        /// Back to the page, the change dropped.
        var cancel: String
    }
    struct ServiceVM { var id: String; var name: String; var annex: String; var offers: String; var pricings: [String] }
    struct CommuneVM { var insee: String; var name: String; var selected: Bool }
    struct JournalVM { var at: String; var author: String; var description: String }

    /// A refused change, said at the top of the page (where the browser lands) with a link to its field.
    struct RefusalVM { var message: String; var anchor: String }

    static func refusal(_ posted: ConventionForms.Posted?) -> RefusalVM? {
        posted?.refused.map { RefusalVM(message: $0.message, anchor: ConventionForms.inputID(form: posted?.type ?? "", name: $0.field)) }
    }

    struct CataloguePageVM {
        var layout: Layout
        var slug: String
        var services: [ServiceVM]
        var forms: [ConventionForms.Form]
        var refusal: RefusalVM?
        var hasWhatIf: Bool
        var whatIf: WhatIfVM?
        var journal: [JournalVM]
    }

    struct CommunePageVM {
        var layout: Layout
        var slug: String
        var insee: String
        var name: String
        var communes: [CommuneVM]
        var population: String
        var hasConvention: Bool
        var convention: ContributionsController.ConventionVM?
        var year: Int
        var lines: [ContributionsController.LineVM]
        /// What the commune paid in 2025 under an earlier convention, per service (its transition's start); nil: none.
        var earlier: String?
        var forms: [ConventionForms.Form]
        var refusal: RefusalVM?
        var hasWhatIf: Bool
        var whatIf: WhatIfVM?
        var journal: [JournalVM]
    }

    func catalogue(req: Request) async throws -> Response {
        let scope = try await req.metropoleAdminScope()
        return try await cataloguePage(req, scope, inputs: try await req.store.contributionInputs(in: scope), posted: nil, whatIf: nil)
    }

    func commune(req: Request) async throws -> Response {
        let scope = try await req.metropoleAdminScope()
        let insee = (try? req.query.get(String.self, at: "insee")) ?? ""
        return try await communePage(req, scope, insee: insee, inputs: try await req.store.contributionInputs(in: scope), posted: nil, whatIf: nil)
    }

    /// `mode=simuler`: the page again with the effect of the change; `mode=enregistrer`: saved, then the page.
    /// A change that makes no sense is refused with its message next to its field, and nothing is saved.
    func change(req: Request) async throws -> Response {
        let scope = try await req.metropoleAdminScope()
        var values: [String: String] = [:]
        for key in req.form.raw.values.keys where key != "_csrf" && key != "mode" { values[key] = req.form.value(key) }
        let inputs = try await req.store.contributionInputs(in: scope)
        var posted = ConventionForms.Posted(type: values["type"] ?? "", values: values, refused: nil)
        /// The page the form was on; 422 when the change is refused.
        func redraw(_ whatIf: WhatIfVM?) async throws -> Response {
            let insee = values["insee"] ?? ""
            return insee.isEmpty ? try await cataloguePage(req, scope, inputs: inputs, posted: posted, whatIf: whatIf)
                                 : try await communePage(req, scope, insee: insee, inputs: inputs, posted: posted, whatIf: whatIf)
        }
        let change: ConventionChange
        switch ConventionForms.change(values) {
        case .failure(let refused): posted.refused = refused; return try await redraw(nil)
        case .success(let c): change = c
        }
        do {
            if req.form.value("mode") == "enregistrer" {
                let account = try await req.requireAccount()
                try await req.store.apply(change, by: "\(account.name) <\(account.email)>", in: scope)
                req.flash("Changement enregistré. " + change.french(in: inputs))
                let target = change.insee.map { "/bo/\(scope.slug)/convention/commune?insee=\($0)" } ?? "/bo/\(scope.slug)/convention/services"
                return req.redirect(to: target, redirectType: .normal)
            }
            let after = try inputs.applying(change)
            let comparison = ContributionsComparison(year: change.firstYearAffected, before: inputs, after: after)
            posted.values = [:]  // the forms start afresh; the simulated values ride in the « Enregistrer » form
            return try await redraw(whatIf(change, comparison, inputs: inputs, after: after, values: values, slug: scope.slug))
        } catch let refused as ChangeRefused {
            posted.refused = refused
            return try await redraw(nil)
        }
    }

    private func whatIf(_ change: ConventionChange, _ c: ContributionsComparison, inputs: ContributionsReport.Inputs, after: ContributionsReport.Inputs,
                        values: [String: String], slug: String) -> WhatIfVM {
        func signed(_ d: Decimal) -> String { (d > 0 ? "+" : "") + Money.french(d) }
        return WhatIfVM(description: change.french(in: inputs), year: c.year,
                        rows: c.rows.map { r in
                            RowVM(commune: r.commune, service: after.services.name(of: r.serviceID) + (r.offer.map { " (\($0.french))" } ?? ""),
                                  before: r.before.map(Money.french) ?? "—", after: r.after.map(Money.french) ?? "—", difference: signed(r.difference))
                        },
                        hasRows: !c.rows.isEmpty, totalBefore: Money.french(c.totalBefore), totalAfter: Money.french(c.totalAfter),
                        totalDifference: signed(c.totalDifference), problems: c.problems, hasProblems: !c.problems.isEmpty,
                        hidden: values.sorted { $0.key < $1.key }.map { ConventionForms.Hidden(name: $0.key, value: $0.value) },
                        cancel: change.insee.map { "/bo/\(slug)/convention/commune?insee=\($0)" } ?? "/bo/\(slug)/convention/services")
    }

    private func cataloguePage(_ req: Request, _ scope: TenantScope, inputs: ContributionsReport.Inputs, posted: ConventionForms.Posted?,
                               whatIf: WhatIfVM?) async throws -> Response {
        let services = inputs.services.map { s in
            ServiceVM(id: s.id, name: s.name, annex: s.annex,
                      offers: s.hasOffers ? s.offers.compactMap { $0 }.map { $0.french + (s.openOffers.contains($0) ? "" : " (pas encore ouverte)") }.joined(separator: ", ") : "—",
                      pricings: s.schedule.sorted { (Offer.allCases.firstIndex(of: $0.offer ?? .partenaire)!, $0.fromYear) < (Offer.allCases.firstIndex(of: $1.offer ?? .partenaire)!, $1.fromYear) }.map { e in (e.offer.map { "Offre \($0.french)" } ?? "Tarif") + " à partir de \(e.fromYear) : \(e.pricing.french)" })
        }
        let vm = CataloguePageVM(layout: try await req.layout(scope, title: "Catalogue des services partagés"), slug: scope.slug, services: services,
                                 forms: ConventionForms.catalogueForms(services: inputs.services, posted: posted), refusal: Self.refusal(posted),
                                 hasWhatIf: whatIf != nil, whatIf: whatIf, journal: try await Self.journal(req, insee: nil, in: scope))
        return req.guichet.renderer.html("conventions/convention_services", vm, status: posted?.refused == nil ? .ok : .unprocessableEntity)
    }

    private func communePage(_ req: Request, _ scope: TenantScope, insee: String, inputs: ContributionsReport.Inputs, posted: ConventionForms.Posted?,
                             whatIf: WhatIfVM?) async throws -> Response {
        guard let name = inputs.names[insee] else { throw Abort(.notFound, reason: "Commune inconnue.") }
        let today = req.guichet.evaluationContext.today.iso
        let year = max(ServiceCatalogue.baseYear, Int(today.prefix(4)) ?? ServiceCatalogue.baseYear)
        let convention = inputs.conventions[insee]
        let lines = ContributionsReport.lines(year: year, inputs).lines.filter { $0.insee == insee }
        let population = inputs.populations[insee].flatMap { ContributionsReport.population(for: year, in: $0) }
            .map { "\(Money.number(Decimal($0.count))) habitants (population municipale, millésime \($0.year))" } ?? "inconnue"
        let vm = CommunePageVM(
            layout: try await req.layout(scope, title: "Convention cadre — \(name)"), slug: scope.slug, insee: insee, name: name,
            communes: inputs.names.sortedFrench(by: \.value).map { CommuneVM(insee: $0.key, name: $0.value, selected: $0.key == insee) },
            population: population, hasConvention: convention != nil,
            convention: convention.map { ContributionsController.conventionVM($0, services: inputs.services, today: today) }, year: year,
            lines: lines.map { l in ContributionsController.lineVM(l, services: inputs.services, callLink: false) },
            earlier: (inputs.earlier[insee] ?? [:]).isEmpty ? nil : (inputs.earlier[insee] ?? [:]).sorted { $0.key < $1.key }.map { id, amount in
                "\(inputs.services.name(of: id)) : \(Money.french(amount))"
            }.joined(separator: " ; "),
            forms: ConventionForms.communeForms(insee: insee, convention: convention, services: inputs.services, posted: posted, today: today),
            refusal: Self.refusal(posted),
            hasWhatIf: whatIf != nil, whatIf: whatIf, journal: try await Self.journal(req, insee: insee, in: scope))
        return req.guichet.renderer.html("conventions/convention_commune", vm, status: posted?.refused == nil ? .ok : .unprocessableEntity)
    }

    static func journal(_ req: Request, insee: String?, in scope: TenantScope) async throws -> [JournalVM] {
        try await req.store.conventionJournal(insee: insee, in: scope).map { JournalVM(at: FrenchDate.string($0.at), author: $0.author, description: $0.description) }
    }
}

extension Request {
    /// The convention cadre's administration is the Métropole's admins'.
    func metropoleAdminScope() async throws -> TenantScope {
        let (scope, _) = try await agentScope()
        guard scope.collectivite.kind == .metropole, scope.isAdmin else { throw Abort(.forbidden) }
        return scope
    }
}
