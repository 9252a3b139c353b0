import Expressions
import Routing
import Storage
import Territory
import Vapor
import WebSupport

/// The Métropole's admins set who answers for what (`/bo/metropole/competences`): the categories of competence
/// with their level, service and per-commune exceptions, and the ordered routing rules. Another collectivité's
/// back-office is refused by the store.
struct CompetencesController {
    struct Option { var value: String; var label: String; var selected: Bool }

    struct Page {
        struct CategoryRow { var id: String; var label: String; var level: String; var service: String; var exceptions: String }
        struct RuleRow { var position: Int; var text: String }
        struct RuleInputs { var demarche = "", condition = "", category = "", target = "competence", service = "" }
        var layout: Layout
        var slug: String
        var categories: [CategoryRow]
        var rules: [RuleRow]
        var inputs: RuleInputs
        var demarches: [Option]
        var categoryOptions: [Option]
        var targets: [Option]
        var errors: [String: String]
        var hasErrors: Bool
    }

    struct CategoryPage {
        struct Commune { var slug: String; var name: String; var checked: Bool }
        var layout: Layout
        var slug: String
        var isNew: Bool
        var id: String
        var label: String
        var service: String
        var levels: [Option]
        /// The communes where the level is the other one.
        var communes: [Commune]
        /// « Bron : voirie@ville-bron.fr », a line per commune whose relays go elsewhere than its town hall.
        var relayAddresses: String
        var errors: [String]
    }

    /// The Métropole's admins only: the categories and rules are the platform's.
    private func platformAdmin(_ req: Request) async throws -> TenantScope {
        let (scope, _) = try await req.agentScope()
        guard scope.runsPlatform else { throw Abort(.forbidden) }
        return scope
    }

    func page(req: Request) async throws -> Response {
        let scope = try await platformAdmin(req)
        return try await render(req, scope, inputs: .init(), errors: [:])
    }

    private func render(_ req: Request, _ scope: TenantScope, inputs: Page.RuleInputs, errors: [String: String],
                        status: HTTPResponseStatus = .ok) async throws -> Response {
        let categories = try await req.store.competenceCategories()
        let territory = try await req.store.collectivites()
        let names = Dictionary(territory.map { ($0.slug, $0.name) }, uniquingKeysWith: { a, _ in a })
        let demarches = try await req.store.demarches(in: scope)
        let rules = try await req.store.routingRules()
        let page = Page(
            layout: try await req.layout(scope, title: (errors.isEmpty ? "" : "Erreur — ") + "Compétences et routage"), slug: scope.slug,
            categories: categories.map { c in
                Page.CategoryRow(id: c.id, label: c.label, level: c.level.label, service: c.service.map(Store.serviceName) ?? "—",
                                 exceptions: c.exceptions.isEmpty ? "aucune"
                                     : c.exceptions.keys.map { names[$0] ?? $0 }.sortedFrench { $0 }.joined(separator: ", "))
            },
            rules: rules.enumerated().map { i, rule in
                Page.RuleRow(position: i + 1, text: Self.describe(rule, demarches: demarches.map { ($0.slug, $0.title) }, categories: categories, names: names))
            },
            inputs: inputs,
            demarches: [Option(value: "", label: "Toutes les démarches", selected: inputs.demarche.isEmpty)]
                + demarches.map { Option(value: $0.slug, label: $0.title, selected: $0.slug == inputs.demarche) },
            categoryOptions: [Option(value: "", label: "Celle de la démarche", selected: inputs.category.isEmpty)]
                + categories.map { Option(value: $0.id, label: $0.label, selected: $0.id == inputs.category) },
            targets: [("competence", "Selon la compétence de la catégorie"), ("metropole", "La Métropole"), ("commune", "La commune du lieu")]
                .map { Option(value: $0.0, label: $0.1, selected: $0.0 == inputs.target) }
                + territory.filter { $0.kind == .commune }.map { Option(value: $0.slug, label: "Mairie \(FrenchName.de($0.name))", selected: $0.slug == inputs.target) },
            errors: errors, hasErrors: !errors.isEmpty)
        return req.guichet.renderer.html("administration/competences", page, status: status)
    }

    /// One rule as an admin reads it: « Signaler un problème…, si categorie == "eclairage" : catégorie Éclairage
    /// public, selon la compétence ».
    static func describe(_ rule: RoutingRule, demarches: [(String, String)], categories: [CompetenceCategory], names: [String: String]) -> String {
        var parts = [rule.demarche.map { slug in demarches.first { $0.0 == slug }?.1 ?? slug } ?? "Toutes les démarches"]
        if let condition = rule.condition { parts.append("si \(condition)") }
        var outcome: [String] = []
        if let id = rule.category { outcome.append("catégorie « \(categories.first { $0.id == id }?.label ?? id) »") }
        let target = switch rule.target {
        case .competence: "selon la compétence"
        case .metropole: "à la Métropole"
        case .placeCommune: "à la commune du lieu"
        case .collectivite(let slug): "à la mairie \(FrenchName.de(names[slug] ?? slug))"
        }
        outcome.append(target)
        if let service = rule.service { outcome.append("service \(Store.serviceName(service))") }
        return parts.joined(separator: ", ") + " : " + outcome.joined(separator: ", ")
    }

    func addRule(req: Request) async throws -> Response {
        let scope = try await platformAdmin(req)
        func value(_ name: String) -> String { String(req.form.value(name).trimmingCharacters(in: .whitespacesAndNewlines).prefix(500)) }
        let inputs = Page.RuleInputs(demarche: value("demarche"), condition: value("condition"), category: value("categorie"),
                                     target: value("cible").isEmpty ? "competence" : value("cible"), service: value("service"))
        func orNil(_ s: String) -> String? { s.isEmpty ? nil : s }
        let rule = RoutingRule(demarche: orNil(inputs.demarche), condition: orNil(inputs.condition), category: orNil(inputs.category),
                               target: RoutingRule.Target(code: inputs.target), service: orNil(inputs.service))
        var types: [String: [String: ValueType]] = [:]
        if let slug = rule.demarche, let current = try await req.store.currentDemarche(slug: slug, in: scope) {
            types[slug] = current.definition.form.logic.types
        }
        let problems = RoutingRuleCheck.problems(rule, categories: try await req.store.competenceCategories(),
                                                 territory: try await req.store.collectivites()) { types[$0] }
        guard problems.isEmpty else {
            let errors = Dictionary(problems.map { ($0.key.rawValue, $0.value) }, uniquingKeysWith: { a, _ in a })
            return try await render(req, scope, inputs: inputs, errors: errors, status: .unprocessableEntity)
        }
        try await req.store.saveRoutingRules(try await req.store.routingRules() + [rule], in: scope)
        req.flash("Règle ajoutée en dernière position.")
        return req.redirect(to: "/bo/\(scope.slug)/competences#regles", redirectType: .normal)
    }

    /// Removes a rule, or moves it one place up (`action=monter`).
    func changeRule(req: Request) async throws -> Response {
        let scope = try await platformAdmin(req)
        var rules = try await req.store.routingRules()
        guard let position = req.parameters.get("position").flatMap(Int.init), (1...rules.count).contains(position) else { throw Abort(.notFound) }
        if req.form.value("action") == "monter" {
            if position > 1 { rules.swapAt(position - 1, position - 2) }
            req.flash("Règle n° \(position) montée d'un rang.")
        } else {
            rules.remove(at: position - 1)
            req.flash("Règle n° \(position) supprimée.")
        }
        try await req.store.saveRoutingRules(rules, in: scope)
        return req.redirect(to: "/bo/\(scope.slug)/competences#regles", redirectType: .normal)
    }

    func category(req: Request) async throws -> Response {
        let scope = try await platformAdmin(req)
        let id = req.parameters.get("category") ?? "nouvelle"
        if id == "nouvelle" { return try await renderCategory(req, scope, CompetenceCategory(id: "", label: "", level: .commune), isNew: true, errors: []) }
        guard let category = try await req.store.competenceCategories().first(where: { $0.id == id }) else { throw Abort(.notFound) }
        return try await renderCategory(req, scope, category, isNew: false, errors: [])
    }

    func saveCategory(req: Request) async throws -> Response {
        let scope = try await platformAdmin(req)
        let pathID = req.parameters.get("category") ?? "nouvelle"
        let isNew = pathID == "nouvelle"
        let existing = try await req.store.competenceCategories()
        if !isNew, !existing.contains(where: { $0.id == pathID }) { throw Abort(.notFound) }
        let territory = try await req.store.collectivites()
        let level = CompetenceLevel(rawValue: req.form.value("niveau")) ?? .commune
        let other: CompetenceLevel = level == .commune ? .metropole : .commune
        let communes = Set(req.form.values("exceptions")).intersection(territory.filter { $0.kind == .commune }.map(\.slug))
        let service = req.form.value("service").trimmingCharacters(in: .whitespaces)
        let addressesText = String(req.form.value("adresses_relais").prefix(10_000))
        var problems: [String] = []
        let relayAddresses: [String: String]
        switch RelayAddresses.parse(addressesText, territory: territory) {
        case .success(let parsed): relayAddresses = parsed
        case .failure(let refused): relayAddresses = [:]; problems += refused.lines
        }
        let category = CompetenceCategory(
            id: isNew ? req.form.value("identifiant").trimmingCharacters(in: .whitespaces) : pathID,
            label: String(req.form.value("libelle").trimmingCharacters(in: .whitespaces).prefix(120)), level: level,
            service: service.isEmpty ? nil : String(Slug.make(service).prefix(64)),
            exceptions: Dictionary(communes.map { ($0, other) }, uniquingKeysWith: { a, _ in a }), relayAddresses: relayAddresses)
        problems = category.problems + problems
        if isNew, existing.contains(where: { $0.id == category.id }) { problems.append("Une catégorie porte déjà cet identifiant.") }
        guard problems.isEmpty else {
            return try await renderCategory(req, scope, category, isNew: isNew, errors: problems, typedAddresses: addressesText, status: .unprocessableEntity)
        }
        try await req.store.saveCompetenceCategory(category, in: scope)
        req.flash("Catégorie « \(category.label) » enregistrée.")
        return req.redirect(to: "/bo/\(scope.slug)/competences", redirectType: .normal)
    }

    /// - Parameter typedAddresses: the relay addresses as typed, drawn again when they were refused.
    private func renderCategory(_ req: Request, _ scope: TenantScope, _ c: CompetenceCategory, isNew: Bool, errors: [String],
                                typedAddresses: String? = nil, status: HTTPResponseStatus = .ok) async throws -> Response {
        let territory = try await req.store.collectivites()
        let title = isNew ? "Nouvelle catégorie" : "Catégorie « \(c.label) »"
        let page = CategoryPage(
            layout: try await req.layout(scope, title: (errors.isEmpty ? "" : "Erreur — ") + title), slug: scope.slug, isNew: isNew,
            id: c.id, label: c.label, service: c.service ?? "",
            levels: CompetenceLevel.allCases.map { Option(value: $0.rawValue, label: $0.label, selected: $0 == c.level) },
            communes: territory.filter { $0.kind == .commune }
                .map { CategoryPage.Commune(slug: $0.slug, name: $0.name, checked: c.exceptions[$0.slug] != nil) },
            relayAddresses: typedAddresses ?? RelayAddresses.text(c.relayAddresses, territory: territory),
            errors: errors)
        return req.guichet.renderer.html("administration/competence", page, status: status)
    }
}
