import Conventions
import Expressions
import Foundation
import Storage
import Vapor
import WebSupport

/// What the Métropole's admins enter by hand: the Syntec index's monthly values with their publication day
/// (the index of a billing year is the last one published before 1 January), and each service's operating
/// costs by category, set against the communes' contributions (the 50 % rule).
struct ConventionDataController {
    struct IndexRowVM { var month: String; var value: String; var published: String }
    struct YearIndexVM { var year: Int; var text: String }
    struct IndicesPageVM {
        var layout: Layout
        var slug: String
        var values: [IndexRowVM]
        var years: [YearIndexVM]
        var inputs: [ConventionForms.Input]
    }

    func indices(req: Request) async throws -> Response {
        let scope = try await req.metropoleAdminScope()
        return try await indicesPage(req, scope, posted: nil)
    }

    /// Adds a month's value, or replaces it when it was mistyped.
    func addIndex(req: Request) async throws -> Response {
        let scope = try await req.metropoleAdminScope()
        let values = ["mois": req.form.value("mois"), "valeur": req.form.value("valeur"), "publie_le": req.form.value("publie_le")]
        switch Self.syntecValue(values) {
        case .success(let value):
            try await req.store.importSyntec([value], in: scope)
            req.flash("Indice Syntec de \(String(format: "%02d", value.month))/\(value.year) enregistré : \(value.value).")
            return req.redirect(to: "/bo/\(scope.slug)/convention/indices", redirectType: .normal)
        case .failure(let refused):
            return try await indicesPage(req, scope, posted: ConventionForms.Posted(type: "indice", values: values, refused: refused))
        }
    }

    /// `mois` as a month input posts it (`2026-10`) or as typed (`10/2026`); each problem next to its field.
    static func syntecValue(_ values: [String: String]) -> Result<SyntecValue, ChangeRefused> {
        SyntecValue.read(month: values["mois"] ?? "", value: values["valeur"] ?? "", published: values["publie_le"] ?? "").mapError { problem in
            let field = switch problem { case .month: "mois"; case .value: "valeur"; case .published, .publishedBeforeMonthEnd: "publie_le" }
            return ChangeRefused(field: field, problem.french.prefix(1).uppercased() + problem.french.dropFirst() + ".")
        }
    }

    private func indicesPage(_ req: Request, _ scope: TenantScope, posted: ConventionForms.Posted?) async throws -> Response {
        let syntec = try await req.store.contributionInputs(in: scope).syntec
        let thisYear = Int(req.guichet.evaluationContext.today.iso.prefix(4)) ?? ServiceCatalogue.baseYear
        let years = (ServiceCatalogue.baseYear...max(ServiceCatalogue.baseYear, thisYear + 1)).map { year -> YearIndexVM in
            guard let index = syntec.index(forBillingYear: year) else {
                return YearIndexVM(year: year, text: "inconnu : aucune valeur de \(year - 1) publiée avant le 01/01/\(year)")
            }
            let factor = syntec.factor(forBillingYear: year).map { " ; facteur de révision \($0.factor)" } ?? ""
            return YearIndexVM(year: year, text: "\(index.value) (\(String(format: "%02d", index.month))/\(index.year), publié le \(CivilDate.french(index.published)))"
                               + (year == ServiceCatalogue.baseYear ? " ; indice de référence" : factor))
        }
        let vm = IndicesPageVM(
            layout: try await req.layout(scope, title: "Indice Syntec"), slug: scope.slug,
            values: syntec.values.sorted { ($0.year, $0.month) > ($1.year, $1.month) }.map {
                IndexRowVM(month: String(format: "%02d/%04d", $0.month, $0.year), value: "\($0.value)", published: CivilDate.french($0.published))
            },
            years: years,
            inputs: [ConventionForms.text("mois", "Mois", type: "month", posted, in: "indice"),
                     ConventionForms.text("valeur", "Valeur", posted, in: "indice"),
                     ConventionForms.text("publie_le", "Publiée le", type: "date", posted, in: "indice")])
        return req.guichet.renderer.html("conventions/convention_indices", vm, status: posted?.refused == nil ? .ok : .unprocessableEntity)
    }

    // MARK: - The finance department's files

    struct KindVM { var value: String; var label: String; var selected: Bool }
    struct ImportPageVM {
        var layout: Layout
        var slug: String
        var kinds: [KindVM]
        var hasErrors: Bool
        var errors: [String]
    }

    func importForm(req: Request) async throws -> Response {
        let scope = try await req.metropoleAdminScope()
        return try await importPage(req, scope, kind: nil, errors: [])
    }

    /// The same files as `guichet import`, checked whole: one bad row and nothing is imported, every bad row listed.
    func importFile(req: Request) async throws -> Response {
        let scope = try await req.metropoleAdminScope()
        let kind = ConventionImports.Kind(rawValue: req.form.value("fichier_type"))
        guard let kind else { return try await importPage(req, scope, kind: nil, errors: ["Choisissez le type de fichier."]) }
        guard let upload = req.form.raw.files["fichier"]?.first, !upload.bytes.isEmpty,
              let text = String(validating: upload.bytes, as: UTF8.self) else {
            return try await importPage(req, scope, kind: kind, errors: ["Choisissez un fichier CSV en UTF-8."])
        }
        let account = try await req.requireAccount()
        do {
            req.flash(try await req.store.importConventionFile(kind, text: text, author: "\(account.name) <\(account.email)>", in: scope))
            return req.redirect(to: "/bo/\(scope.slug)/contributions", redirectType: .normal)
        } catch let errors as ConventionImports.ImportErrors {
            return try await importPage(req, scope, kind: kind, errors: errors.lines.map { "Ligne \($0.line) : \($0.reason)" })
        }
    }

    private func importPage(_ req: Request, _ scope: TenantScope, kind: ConventionImports.Kind?, errors: [String]) async throws -> Response {
        let vm = ImportPageVM(layout: try await req.layout(scope, title: errors.isEmpty ? "Importer un fichier" : "Erreur — Importer un fichier"),
                              slug: scope.slug,
                              kinds: ConventionImports.Kind.allCases.map { KindVM(value: $0.rawValue, label: $0.french, selected: $0 == kind) },
                              hasErrors: !errors.isEmpty, errors: errors)
        return req.guichet.renderer.html("conventions/convention_import", vm, status: errors.isEmpty ? .ok : .unprocessableEntity)
    }

    // MARK: - Operating costs and the 50 % rule

    struct CostServiceVM {
        var id: String
        var name: String
        var inputs: [ConventionForms.Input]
        var hasCosts: Bool
        var costs: String
        var half: String
        var contributions: String
        var share: String
        var verdict: String
    }
    struct ChargesPageVM {
        var layout: Layout
        var slug: String
        var year: Int
        var years: [ContributionsController.YearVM]
        var services: [CostServiceVM]
    }

    func charges(req: Request) async throws -> Response {
        let scope = try await req.metropoleAdminScope()
        return try await chargesPage(req, scope, year: Self.year(req), posted: nil)
    }

    /// Replaces a service's costs for the year; an amount that is not one is refused next to its field.
    func saveCharges(req: Request) async throws -> Response {
        let scope = try await req.metropoleAdminScope()
        let year = Int(req.form.value("annee")).flatMap { ServiceCatalogue.billingYears.contains($0) ? $0 : nil } ?? ServiceCatalogue.baseYear
        let service = req.form.value("service")
        guard try await req.store.sharedServices().contains(where: { $0.id == service }) else { throw Abort(.badRequest, reason: "Service inconnu.") }
        var values: [String: String] = [:], amounts: [CostCategory: Decimal] = [:]
        for category in CostCategory.allCases {
            let text = req.form.value(category.rawValue).trimmingCharacters(in: .whitespaces)
            values[category.rawValue] = text
            if text.isEmpty { continue }
            guard let amount = Money.parse(text), amount >= 0 else {
                let refused = ChangeRefused(field: category.rawValue, "Montant attendu en euros, positif ou nul (par exemple 12 500 ou 12500,50).")
                return try await chargesPage(req, scope, year: year, posted: ConventionForms.Posted(type: "charges-\(service)", values: values, refused: refused))
            }
            amounts[category] = amount
        }
        try await req.store.saveOperatingCosts(OperatingCosts(serviceID: service, year: year, amounts: amounts), in: scope)
        req.flash("Charges d'exploitation \(year) enregistrées.")
        return req.redirect(to: "/bo/\(scope.slug)/convention/charges?annee=\(year)", redirectType: .normal)
    }

    private func chargesPage(_ req: Request, _ scope: TenantScope, year: Int, posted: ConventionForms.Posted?) async throws -> Response {
        let inputs = try await req.store.contributionInputs(in: scope)
        let costs = try await req.store.operatingCosts(year: year)
        var contributions: [String: Decimal] = [:]
        for l in ContributionsReport.lines(year: year, inputs).lines { contributions[l.contribution.serviceID, default: 0] += l.contribution.amount }
        let services = inputs.services.map { s -> CostServiceVM in
            let entered = costs[s.id] ?? OperatingCosts(serviceID: s.id, year: year, amounts: [:])
            let check = FiftyPercentCheck(costs: entered, contributions: contributions[s.id] ?? 0)
            let verdict: String
            if let share = check.share {
                let gap = check.gap
                verdict = gap == 0 ? "Les communes couvrent exactement 50 % des charges."
                    : gap > 0 ? "Les communes couvrent \(Money.number(Money.cents(share * 100), decimals: 2)) % des charges : \(Money.french(gap)) au-dessus de 50 %."
                    : "Les communes couvrent \(Money.number(Money.cents(share * 100), decimals: 2)) % des charges : \(Money.french(-gap)) en dessous de 50 %."
            } else { verdict = "Aucune charge saisie pour \(year)." }
            return CostServiceVM(
                id: s.id, name: s.name,
                inputs: CostCategory.allCases.map { c in
                    ConventionForms.text(c.rawValue, c.french, posted, in: "charges-\(s.id)", default: entered.amounts[c].map { Money.plain($0) } ?? "")
                },
                hasCosts: check.share != nil, costs: Money.french(check.costs), half: Money.french(check.half),
                contributions: Money.french(check.contributions), share: check.share.map { Money.number(Money.cents($0 * 100), decimals: 2) + " %" } ?? "—",
                verdict: verdict)
        }
        let vm = ChargesPageVM(layout: try await req.layout(scope, title: "Charges d'exploitation \(year)"), slug: scope.slug, year: year,
                               years: (ServiceCatalogue.baseYear...max(year + 1, ServiceCatalogue.baseYear + 5)).map { .init(value: $0, selected: $0 == year) },
                               services: services)
        return req.guichet.renderer.html("conventions/convention_charges", vm, status: posted?.refused == nil ? .ok : .unprocessableEntity)
    }

    private static func year(_ req: Request) -> Int {
        (try? req.query.get(Int.self, at: "annee")).flatMap { ServiceCatalogue.billingYears.contains($0) ? $0 : nil } ?? ServiceCatalogue.baseYear
    }
}
