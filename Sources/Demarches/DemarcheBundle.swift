import Foundation

/// A démarche as one file, to move it between collectivités or instances: its definition (form and workflow) and
/// the data sources its choices read, with a table's rows. Written in canonical JSON, so a bundle exported,
/// imported elsewhere and exported again is the same bytes.
public struct DemarcheBundle: Sendable, Codable, Equatable {
    static let currentFormat = "guichet.demarche/1"

    public var format: String
    public var demarche: DemarcheDefinition
    public var dataSources: [DataSource]

    public init(demarche: DemarcheDefinition, dataSources: [DataSource]) {
        format = Self.currentFormat
        self.demarche = demarche
        self.dataSources = dataSources.sorted { $0.id < $1.id }
    }

    public func canonicalJSON() -> Data { canonicalJSONData(self) }

    /// Reads a bundle and checks all of it before anything is written: the format, the definition, every data
    /// source, and that each source the form reads travels with it. Every problem is listed, each saying where.
    public static func parse(json: Data) -> Result<DemarcheBundle, DefinitionError> {
        let bundle: DemarcheBundle
        do { bundle = try JSONDecoder().decode(DemarcheBundle.self, from: json) }
        catch { return .failure(DefinitionError(problems: ["Le fichier n'est pas un paquet de démarche valide : \(DemarcheDefinition.describe(error))"])) }
        guard bundle.format == currentFormat else {
            return .failure(DefinitionError(problems: ["Format de paquet « \(bundle.format) » inconnu (attendu : \(currentFormat))."]))
        }
        var problems = bundle.demarche.problems
        var ids: Set<String> = []
        for source in bundle.dataSources {
            problems += source.problems.map { "Source « \(source.id) » : \($0)" }
            if !ids.insert(source.id).inserted { problems.append("Le paquet contient deux fois la source « \(source.id) ».") }
        }
        for field in bundle.demarche.form.fields {
            if let source = field.dataSource, !ids.contains(source) {
                problems.append("Le champ « \(field.label) » lit la source « \(source) », absente du paquet.")
            }
        }
        return problems.isEmpty ? .success(bundle) : .failure(DefinitionError(problems: problems))
    }
}
