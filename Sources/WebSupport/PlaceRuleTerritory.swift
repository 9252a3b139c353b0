import Demarches
import Territory

extension PlaceRule {
    /// For a request filed with `c`: an address in another commune of the territory is elsewhere, and the citizen
    /// is pointed to it. The Métropole answers for all its communes: no rule for it.
    public static func within(_ c: Collectivite, territory: [Collectivite]) -> PlaceRule? {
        guard c.kind == .commune else { return nil }
        return PlaceRule { address in
            guard let named = PlaceNames.commune(named: address.city, among: territory), named.slug != c.slug else { return nil }
            let turnTo = named.hasInstance ? "Faites cette démarche auprès de \(named.name)" : "Adressez-vous à la mairie \(FrenchName.de(named.name))"
            return Elsewhere(message: "Cette adresse est à \(named.name), or cette démarche est celle de \(c.name), qui ne traite que les lieux de sa commune. "
                                 + "\(turnTo) ; si l'adresse relève bien de \(c.name), cochez la case ci-dessous.",
                             name: named.name, url: named.hasInstance ? "/c/\(named.slug)/" : nil)
        }
    }
}
