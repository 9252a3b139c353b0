import Conventions
import Documents
import Expressions
import Foundation
import Storage
import Territory
import Vapor
import WebSupport

/// The convention cadre in the back-office: for the Métropole's admins, a billing year's contributions of every
/// commune with the revenue per service and its budget imputation, the year's CSV and each commune's call (PDF),
/// the communes at risk, conventions ending soon and the forecast; for a commune's agents, their own convention
/// (period, final end, services), amounts and history. Read-only pages: changes are `ConventionEditorController`'s.
struct ContributionsController {
    struct LineVM { var commune: String; var insee: String; var service: String; var amount: String; var explanation: String; var capApplied: Bool
        /// The commune's first line carries the link to its call for contributions.
        var callLink: Bool }
    struct TotalVM { var service: String; var amount: String }
    struct YearVM { var value: Int; var selected: Bool }
    struct ServiceVM { var name: String; var offer: String; var since: String; var until: String }
    struct PageVM {
        var layout: Layout
        var slug: String
        var year: Int
        var years: [YearVM]
        var byDay: Bool
        var isMetropole: Bool
        var lines: [LineVM]
        var totals: [TotalVM]
        var total: String
        var problems: [String]
        var convention: ConventionVM?
        /// For the Métropole: conventions reaching their final end within six months, and communes that held an
        /// earlier convention but have not approved the convention cadre before 31 December 2025.
        var endingSoon: [String]
        var atRisk: [String]
        /// For the Métropole: the coming years under the stated growth of the index and of populations.
        var forecast: [ForecastVM]
        var indexGrowth: String
        var populationGrowth: String
        var forecastError: String?
        /// Why the forecast's first year differs from the year's total, if it does.
        var forecastNote: String?
        /// For the Métropole: every commune, to open its convention.
        var communes: [ConventionEditorController.CommuneVM]
        /// For a commune: the changes the Métropole made to its convention.
        var journal: [ConventionEditorController.JournalVM]
    }
    struct ForecastVM { var year: Int; var total: String; var services: String; var assumptions: String }
    struct ConventionVM { var signed: String; var start: String; var period: String; var finalEnd: String; var endsSoon: Bool; var ended: String?; var services: [ServiceVM] }

    func page(req: Request) async throws -> Response {
        let (scope, isMetropole, year, byDay) = try await asked(req)
        let inputs = try await req.store.contributionInputs(in: scope, partialYear: byDay ? .daily : .wholeYear)
        let (lines, problems) = ContributionsReport.lines(year: year, inputs)
        let services = inputs.services
        var totals: [String: Decimal] = [:]
        for l in lines { totals[l.contribution.serviceID, default: 0] += l.contribution.amount }
        let today = req.guichet.evaluationContext.today.iso
        let convention = isMetropole ? nil : inputs.conventions.values.first.map { Self.conventionVM($0, services: services, today: today) }
        var endingSoon: [String] = [], atRisk: [String] = []
        if isMetropole {
            endingSoon = inputs.conventions.filter { $0.value.endsWithin(days: ConventionCadre.endingSoonDays, of: today) }
                .map { "\(inputs.names[$0.key] ?? $0.key) : \($0.value.ended == nil ? "fin de la sixième année" : "résiliée ou non reconduite") le \(CivilDate.french($0.value.end))" }.sorted()
            // The deliberation's list is the communes that held an earlier convention for Toodego or laclasse.com.
            for s in try TerritoryData.signatories() {
                let name = inputs.names[s.insee] ?? s.insee
                let services = [s.toodego.map { "Toodego (\($0))" }, s.laclasse ? "laclasse.com" : nil].compactMap { $0 }.joined(separator: ", ")
                switch ConventionCadre.approvalRisk(of: inputs.conventions[s.insee]) {
                case .noConvention?: atRisk.append("\(name) : pas de convention cadre — \(services)")
                case .signedLate(let day)?:
                    atRisk.append("\(name) : convention signée le \(CivilDate.french(day)), après le \(CivilDate.french(ConventionCadre.approvalDeadline)) — \(services)")
                case nil: break
                }
            }
        }
        var forecast: [ForecastVM] = [], forecastError: String?, forecastNote: String?
        let indexGrowth = (try? req.query.get(String.self, at: "indice")) ?? "2"
        let populationGrowth = (try? req.query.get(String.self, at: "population")) ?? "0,5"
        if isMetropole {
            if let g = Self.percent(indexGrowth), let p = Self.percent(populationGrowth) {
                forecast = ContributionsForecast.years(from: year, count: 6, inputs, indexGrowth: g, populationGrowth: p).map { y in
                    ForecastVM(year: y.year, total: Money.french(y.total),
                               services: y.byService.sorted { $0.key < $1.key }.map { "\(services.name(of: $0.key)) : \(Money.french($0.value))" }.joined(separator: " ; "),
                               assumptions: y.assumptions.isEmpty ? "valeurs saisies" : y.assumptions.joined(separator: " ; "))
                }
                // The forecast's first year is the year shown above: if it rests on assumptions, say why the totals differ.
                if let first = forecast.first, let assumed = ContributionsForecast.years(from: year, count: 1, inputs, indexGrowth: g, populationGrowth: p).first,
                   !assumed.assumptions.isEmpty, assumed.total != totals.values.reduce(0, +) {
                    forecastNote = "La prévision \(year) (\(first.total)) diffère du total ci-dessus : elle suppose \(assumed.assumptions.joined(separator: " et ")), là où le total ci-dessus ne compte que les montants calculables avec les valeurs saisies."
                }
            } else {
                forecastError = "Croissances attendues en pourcentage, de -50 à 50 (par exemple 2 ou 2,5)."
            }
        }
        let vm = PageVM(
            layout: try await req.layout(scope, title: isMetropole ? "Contributions \(year)" : "Convention et contributions"),
            slug: scope.slug, year: year, years: (ServiceCatalogue.baseYear...max(year + 1, ServiceCatalogue.baseYear + 5)).map { YearVM(value: $0, selected: $0 == year) }, byDay: byDay, isMetropole: isMetropole,
            lines: lines.enumerated().map { i, l in Self.lineVM(l, services: services, callLink: i == 0 || lines[i - 1].insee != l.insee) },
            totals: totals.sorted { $0.key < $1.key }.map { TotalVM(service: services.name(of: $0.key), amount: Money.french($0.value)) },
            total: Money.french(totals.values.reduce(0, +)), problems: problems, convention: convention,
            endingSoon: endingSoon, atRisk: atRisk.sorted(), forecast: forecast, indexGrowth: indexGrowth, populationGrowth: populationGrowth,
            forecastError: forecastError, forecastNote: forecastNote,
            communes: isMetropole ? inputs.names.sortedFrench(by: \.value).map { .init(insee: $0.key, name: $0.value, selected: false) } : [],
            journal: isMetropole ? [] : try await ConventionEditorController.journal(req, insee: nil, in: scope))
        return req.guichet.renderer.html("conventions/contributions", vm)
    }

    static func conventionVM(_ c: ConventionCadre, services: [SharedService], today: Day) -> ConventionVM {
        return ConventionVM(signed: CivilDate.french(c.signed), start: CivilDate.french(c.start),
                            period: c.period(on: today).map { "période \($0.number) sur 6, du \(CivilDate.french($0.start)) au \(CivilDate.french($0.end))" } ?? "aucune période en cours",
                            finalEnd: CivilDate.french(c.finalEnd), endsSoon: c.endsWithin(days: ConventionCadre.endingSoonDays, of: today),
                            ended: c.ended.map(CivilDate.french),
                            services: c.services.map { m in ServiceVM(name: services.name(of: m.serviceID), offer: m.offer?.french ?? "—", since: CivilDate.french(m.start),
                                                                      until: m.end.map(CivilDate.french) ?? "—") })
    }

    static func lineVM(_ l: ContributionsReport.Line, services: [SharedService], callLink: Bool) -> LineVM {
        return LineVM(commune: l.commune, insee: l.insee, service: services.name(of: l.contribution.serviceID) + (l.contribution.offer.map { " (\($0.french))" } ?? ""),
                      amount: Money.french(l.contribution.amount), explanation: l.contribution.french, capApplied: l.contribution.capApplied,
                      callLink: callLink)
    }

    /// The year's CSV, for the Métropole's finance department.
    func csv(req: Request) async throws -> Response {
        let (scope, isMetropole, year, byDay) = try await asked(req)
        guard isMetropole else { throw Abort(.forbidden) }
        let (lines, _) = ContributionsReport.lines(year: year, try await req.store.contributionInputs(in: scope, partialYear: byDay ? .daily : .wholeYear))
        var headers = HTTPHeaders()
        headers.replaceOrAdd(name: .contentType, value: "text/csv; charset=utf-8")
        headers.replaceOrAdd(name: .contentDisposition, value: "attachment; filename=\"contributions-\(year).csv\"")
        return Response(status: .ok, headers: headers, body: .init(string: ContributionsReport.csv(lines)))
    }

    /// A commune's call for contributions for a year, as a PDF a person reads: each service's amount with how it
    /// was reached, the total and the imputation. A commune's agents get their own; the Métropole's admins name
    /// the commune (`?commune=<INSEE>`).
    func call(req: Request) async throws -> Response {
        let (scope, isMetropole, year, byDay) = try await asked(req)
        let insee = isMetropole ? ((try? req.query.get(String.self, at: "commune")) ?? "") : (scope.collectivite.insee ?? "")
        let inputs = try await req.store.contributionInputs(in: scope, partialYear: byDay ? .daily : .wholeYear)
        let lines = ContributionsReport.lines(year: year, inputs).lines.filter { $0.insee == insee }
        guard let first = lines.first else { throw Abort(.notFound, reason: "Aucune contribution \(year) pour cette commune.") }
        let total = lines.reduce(Decimal(0)) { $0 + $1.contribution.amount }
        var body: [String] = ["Commune : \(first.commune) (code INSEE \(insee))",
                              "Convention cadre « Services numériques à l'usager » — délibération CP-2025-4074 de la Commission permanente du 14 avril 2025.", ""]
        for l in lines {
            let offer = l.contribution.offer.map { ", offre \($0.french)" } ?? ""
            body.append(inputs.services.name(of: l.contribution.serviceID) + offer + " : " + Money.french(l.contribution.amount))
            body.append("    " + l.contribution.french)
            body.append("")
        }
        body.append("Total à payer pour \(year) : \(Money.french(total))")
        body.append("")
        body.append("Recette de fonctionnement de la Métropole de Lyon : budget principal, chapitre 70, opération n° 0P02O4984.")
        let pdf = PDFDocument(title: "Appel de contributions \(year)", body: body.joined(separator: "\n"),
                              footer: "Métropole de Lyon — édité le \(CivilDate.french(req.guichet.evaluationContext.today.iso))").render()
        var headers = HTTPHeaders()
        headers.replaceOrAdd(name: .contentType, value: "application/pdf")
        headers.replaceOrAdd(name: .contentDisposition, value: "attachment; filename=\"appel-contributions-\(year)-\(insee).pdf\"")
        return Response(status: .ok, headers: headers, body: .init(data: pdf))
    }

    /// Who asks (the Métropole's admins, or a commune's agents), for which billing year (2026 by default), and
    /// whether a year partly covered is billed by the day (`?prorata=annee`: in full).
    private func asked(_ req: Request) async throws -> (scope: TenantScope, isMetropole: Bool, year: Int, byDay: Bool) {
        let (scope, _) = try await req.agentScope()
        let isMetropole = scope.collectivite.kind == .metropole
        guard !isMetropole || scope.isAdmin else { throw Abort(.forbidden) }
        let year = (try? req.query.get(Int.self, at: "annee")).flatMap { ServiceCatalogue.billingYears.contains($0) ? $0 : nil } ?? ServiceCatalogue.baseYear
        return (scope, isMetropole, year, (try? req.query.get(String.self, at: "prorata")) != "annee")
    }

    /// « 2,5 » → 0.025; nil outside -50 % to 50 %.
    static func percent(_ text: String) -> Decimal? {
        guard let d = Money.parse(text), d >= -50, d <= 50 else { return nil }
        return d / 100
    }
}
