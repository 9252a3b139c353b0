import Foundation

/// The démarches seeded for the demo: four for each commune with an instance (one of them a multi-page form
/// with conditions, checks and a computed field), three for the Métropole.
public enum DemoCatalogue {
    public static let communeDemarches = ["signalement-espace-public", "occupation-domaine-public", "acte-etat-civil", "subvention-association"]
    public static let metropoleDemarches = ["signalement-espace-public", "occupation-domaine-public", "bac-de-collecte"]

    /// The agents' roles (services) the demo démarches name.
    public static let roles: [(slug: String, name: String)] = [
        ("accueil", "Accueil"), ("services-techniques", "Services techniques"), ("domaine-public", "Domaine public"),
        ("etat-civil", "État civil"), ("proprete", "Propreté"), ("vie-associative", "Vie associative"),
    ]

    public static func definition(_ slug: String) throws -> DemarcheDefinition {
        guard let url = Bundle.module.url(forResource: slug, withExtension: "json", subdirectory: "Demo")
        else { throw DefinitionError(problems: ["Démarche de démonstration inconnue : \(slug)"]) }
        return try DemarcheDefinition.parse(json: Data(contentsOf: url)).get()
    }

    /// A demo démarche with the data sources it reads (`Demo/sources/<id>.json`), as seeding imports it.
    public static func bundle(_ slug: String) throws -> DemarcheBundle {
        let definition = try definition(slug)
        let sources = try definition.dataSourceIDs.map { id in
            guard let url = Bundle.module.url(forResource: id, withExtension: "json", subdirectory: "Demo/sources")
            else { throw DefinitionError(problems: ["Source de démonstration inconnue : \(id)"]) }
            return try JSONDecoder().decode(DataSource.self, from: Data(contentsOf: url))
        }
        return DemarcheBundle(demarche: definition, dataSources: sources)
    }
}
