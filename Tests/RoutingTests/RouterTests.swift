import Demarches
import Expressions
import Routing
import Territory
import Testing

/// Routing decisions on the real territory: the rules in order, then competence (with a commune's exception),
/// then the collectivité filed with; the place from a point or an address's town.
@Suite struct RouterTests {
    let territory: [Collectivite]
    let map: TerritoryMap
    let today = EvaluationContext(today: CivilDate(year: 2026, month: 12, day: 3))
    init() throws {
        territory = try TerritoryData.load()
        map = TerritoryMap(territory)
    }

    /// The demo's rules for the Métropole's « Signaler un problème sur l'espace public ».
    var rules: [RoutingRule] {
        [
            RoutingRule(demarche: "signalement-espace-public", condition: #"categorie == "eclairage""#, category: "eclairage-public"),
            RoutingRule(demarche: "signalement-espace-public", condition: #"categorie == "depot" ou categorie == "tag""#, category: "proprete"),
            RoutingRule(demarche: "signalement-espace-public", category: "voirie"),
        ]
    }
    func router(_ categories: [CompetenceCategory] = CompetenceCategory.defaults, rules: [RoutingRule]? = nil) -> Router {
        Router(territory: territory, map: map, categories: categories, rules: rules ?? self.rules)
    }
    func report(_ category: String, at place: Router.Request.Place?) -> Router.Request {
        Router.Request(demarche: "signalement-espace-public", filedWith: "metropole", place: place, answers: ["categorie": .text(category)])
    }
    let bron = Router.Request.Place.point(latitude: 45.7390, longitude: 4.9130)
    let bellecour = Router.Request.Place.point(latitude: 45.7578, longitude: 4.8320)

    @Test func aCommunalCompetenceGoesToTheCommuneOfThePoint() throws {
        let decision = try router().route(report("eclairage", at: bron), context: today).get()
        #expect(decision.collectivite.slug == "bron")
        #expect(decision.service == "services-techniques")
        #expect(decision.category?.id == "eclairage-public")
        #expect(decision.reason == .rule(1))
        #expect(decision.handlerPhrase == "la mairie de Bron")
    }

    @Test func aMetropolitanCompetenceStaysWithTheMetropole() throws {
        let tag = try router().route(report("tag", at: bron), context: today).get()
        #expect(tag.collectivite.slug == "metropole")
        #expect(tag.service == "proprete")
        #expect(tag.reason == .rule(2))
        let pothole = try router().route(report("voirie", at: bron), context: today).get()
        #expect(pothole.collectivite.slug == "metropole")
        #expect(pothole.reason == .rule(3), "the last rule has no condition: it catches the rest")
        #expect(pothole.handlerPhrase == "la Métropole de Lyon")
    }

    @Test func aCommunesExceptionTurnsTheLevel() throws {
        var categories = CompetenceCategory.defaults
        let i = try #require(categories.firstIndex { $0.id == "eclairage-public" })
        categories[i].exceptions["lyon"] = .metropole
        let inLyon = try router(categories).route(report("eclairage", at: bellecour), context: today).get()
        #expect(inLyon.collectivite.slug == "metropole")
        let inBron = try router(categories).route(report("eclairage", at: bron), context: today).get()
        #expect(inBron.collectivite.slug == "bron", "the exception is Lyon's only")
    }

    @Test func theTownOfTheAddressLocatesARequestWithoutAPoint() throws {
        let decision = try router().route(report("eclairage", at: .town("villeurbanne")), context: today).get()
        #expect(decision.collectivite.slug == "villeurbanne")
        #expect(decision.place?.slug == "villeurbanne")
    }

    @Test func aPointOutsideTheTerritoryIsRefused() {
        let paris = Router.Request.Place.point(latitude: 48.8566, longitude: 2.3522)
        #expect(throws: Router.Refusal.outsideTerritory) { try router().route(report("voirie", at: paris), context: today).get() }
    }

    @Test func withoutAPlaceACommunalCompetenceStaysWhereFiled() throws {
        let decision = try router().route(report("eclairage", at: nil), context: today).get()
        #expect(decision.collectivite.slug == "metropole")
    }

    @Test func aCommunesOwnDemarcheStaysWithIt() throws {
        let request = Router.Request(demarche: "signalement-espace-public", filedWith: "caluire-et-cuire", place: bron,
                                     answers: ["categorie": .text("voirie")])
        let decision = try router().route(request, context: today).get()
        #expect(decision.collectivite.slug == "caluire-et-cuire")
        #expect(decision.reason == .filedWith)
    }

    @Test func withoutAMatchingRuleTheDemarchesCategoryDecidesThenWhereFiled() throws {
        let civil = Router.Request(demarche: "acte", filedWith: "metropole", category: "etat-civil", place: .town("Bron"))
        let decision = try router().route(civil, context: today).get()
        #expect(decision.collectivite.slug == "bron")
        #expect(decision.reason == .competence)
        let bins = Router.Request(demarche: "bac-de-collecte", filedWith: "metropole", place: .town("Bron"))
        #expect(try router().route(bins, context: today).get().reason == .filedWith)
    }

    @Test func aRuleCanNameTheCollectiviteAndServiceAndReadTheCommune() throws {
        let rules = [RoutingRule(condition: #"commune_du_lieu == "Bron" et demarche == "bac-de-collecte""#, target: .collectivite("villeurbanne"), service: "accueil")]
        let bins = Router.Request(demarche: "bac-de-collecte", filedWith: "metropole", place: bron)
        let decision = try router(rules: rules).route(bins, context: today).get()
        #expect(decision.collectivite.slug == "villeurbanne")
        #expect(decision.service == "accueil")
        let elsewhere = Router.Request(demarche: "bac-de-collecte", filedWith: "metropole", place: bellecour)
        #expect(try router(rules: rules).route(elsewhere, context: today).get().collectivite.slug == "metropole")
    }

    @Test func aRequestOfTheDemoDemarcheIsReadForRouting() throws {
        let definition = try DemoCatalogue.definition("signalement-espace-public")
        let answers: [String: FieldValue] = [
            "categorie": .text("eclairage"),
            "adresse": .address(Address(street: "1 place de la Liberté", postcode: "69500", city: "Bron")),
            "emplacement": .point(GeoPoint(lat: 45.7578, lon: 4.8320)),
        ]
        let request = Router.Request(definition: definition, answers: answers, filedWith: "metropole")
        #expect(request.place == bellecour, "the point wins over the address")
        let decision = try router().route(request, context: today).get()
        #expect(decision.collectivite.slug == "lyon")
        var noPoint = answers
        noPoint["emplacement"] = nil
        #expect(Router.Request(definition: definition, answers: noPoint, filedWith: "metropole").place == .town("Bron"))
    }

    @Test func rulesAreCheckedBeforeTheyAreSaved() {
        func problems(_ rule: RoutingRule) -> [RoutingRuleCheck.Part: String] {
            RoutingRuleCheck.problems(rule, categories: CompetenceCategory.defaults, territory: territory) { slug in
                slug == "signalement-espace-public" ? ["categorie": .text] : nil
            }
        }
        #expect(problems(rules[0]).isEmpty)
        #expect(problems(RoutingRule(condition: #"categorie == "eclairage""#)).keys.sorted { $0.rawValue < $1.rawValue } == [.condition],
                "a rule for every démarche cannot read its answers")
        #expect(problems(RoutingRule(demarche: "inconnue")) == [.demarche: "La démarche « inconnue » n'existe pas à la Métropole."])
        #expect(problems(RoutingRule(category: "jardins")) == [.category: "La catégorie « jardins » n'existe pas."])
        #expect(problems(RoutingRule(target: .collectivite("paris"))) == [.target: "La collectivité « paris » n'existe pas."])
        #expect(problems(RoutingRule(condition: "commune_du_lieu"))[.condition]?.hasPrefix("Condition : ") == true)
    }

    @Test func categoriesAreChecked() {
        #expect(CompetenceCategory.defaults.allSatisfy { $0.problems.isEmpty })
        #expect(CompetenceCategory(id: "Voirie !", label: " ", level: .commune, exceptions: ["lyon": .commune]).problems.count == 3)
    }

    @Test func anAgentsRerouteSkipsTheRulesAndHonoursACorrectedPlace() throws {
        // The rules would say lighting; the agent says roads: the Métropole's, whatever the commune.
        let roads = try #require(router().reroute(report("eclairage", at: bron), category: "voirie", place: nil))
        #expect(roads.collectivite.slug == "metropole")
        #expect(roads.reason == .agent)
        #expect(roads.place?.slug == "bron", "the place still comes from the answers")
        // The point is wrong: the lamp is in Caluire-et-Cuire.
        let moved = try #require(router().reroute(report("eclairage", at: bron), category: "eclairage-public", place: "caluire-et-cuire"))
        #expect(moved.collectivite.slug == "caluire-et-cuire")
        #expect(moved.explanation == "Réorientée vers la mairie de Caluire-et-Cuire (catégorie « Éclairage public »), lieu à Caluire-et-Cuire.")
        // Outside the territory with no corrected place: it stays where it was filed.
        let nowhere = try #require(router().reroute(report("eclairage", at: .point(latitude: 48.85, longitude: 2.35)),
                                                    category: "eclairage-public", place: nil))
        #expect(nowhere.collectivite.slug == "metropole")
    }
}
