import Expressions
import Foundation
import Routing
import Territory

// The routing benchmark (issue 16): decisions per second with the 58 shipped polygons and the demo's rules, for
// points spread over the territory's bounding box (some outside it, refused) and for addresses by town.
// Target: at least 100,000 decisions/s in process. Prints RESULT lines like the other benches.
let territory = try TerritoryData.load()
let map = TerritoryMap(territory)
let rules = [
    RoutingRule(demarche: "signalement-espace-public", condition: #"categorie == "eclairage""#, category: "eclairage-public"),
    RoutingRule(demarche: "signalement-espace-public", condition: #"categorie == "depot" ou categorie == "tag""#, category: "proprete"),
    RoutingRule(demarche: "signalement-espace-public", category: "voirie"),
]
let router = Router(territory: territory, map: map, categories: CompetenceCategory.defaults, rules: rules)
let context = EvaluationContext(today: CivilDate(year: 2026, month: 12, day: 3))

// A fixed pseudo-random spread (an LCG), so every run asks the same questions.
struct Spread {
    var seed: UInt64 = 42
    mutating func next() -> Double { seed = seed &* 6364136223846793005 &+ 1442695040888963407; return Double(seed >> 11) / Double(1 << 53) }
}
var spread = Spread()
let categories = ["eclairage", "voirie", "tag", "depot", "mobilier", "autre"]
let points: [Router.Request] = (0..<10_000).map { i in
    Router.Request(demarche: "signalement-espace-public", filedWith: "metropole",
                   place: .point(latitude: 45.55 + spread.next() * 0.40, longitude: 4.68 + spread.next() * 0.38),
                   answers: ["categorie": .text(categories[i % categories.count])])
}
let towns = territory.filter { $0.kind == .commune }.map(\.name)
let byTown: [Router.Request] = (0..<10_000).map { i in
    Router.Request(demarche: "signalement-espace-public", filedWith: "metropole", place: .town(towns[i % towns.count]),
                   answers: ["categorie": .text(categories[i % categories.count])])
}

func run(_ label: String, _ requests: [Router.Request], rounds: Int) {
    var routed = 0, refused = 0
    for r in requests.prefix(1_000) { _ = router.route(r, context: context) }  // warm-up
    let start = DispatchTime.now().uptimeNanoseconds
    for _ in 0..<rounds {
        for r in requests {
            switch router.route(r, context: context) { case .success: routed += 1; case .failure: refused += 1 }
        }
    }
    let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    let total = routed + refused
    print("RESULT \(label) decisions=\(total) seconds=\(String(format: "%.3f", seconds)) per_second=\(Int(Double(total) / seconds)) us_each=\(String(format: "%.2f", seconds / Double(total) * 1e6)) refused=\(refused)")
}
run("routing_points_58_polygons", points, rounds: 20)
run("routing_address_towns", byTown, rounds: 20)
