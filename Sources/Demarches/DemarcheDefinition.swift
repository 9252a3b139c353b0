import Foundation
import Workflow

/// A démarche as authored: its form and its workflow. Stored as one JSON document per published version;
/// a request stays bound to the version it was filed with.
public struct DemarcheDefinition: Sendable, Codable, Equatable {
    public var slug: String
    public var title: String
    public var summary: String
    public var form: FormDefinition
    public var workflow: WorkflowDefinition

    public init(slug: String, title: String, summary: String, form: FormDefinition, workflow: WorkflowDefinition) {
        self.slug = slug; self.title = title; self.summary = summary; self.form = form; self.workflow = workflow
    }

    /// Parses a definition and checks it; a definition with problems is refused with all of them.
    public static func parse(json: Data) -> Result<DemarcheDefinition, DefinitionError> {
        let definition: DemarcheDefinition
        do { definition = try JSONDecoder().decode(DemarcheDefinition.self, from: json) }
        catch { return .failure(DefinitionError(problems: ["Le document n'est pas une définition de démarche valide : \(Self.describe(error))"])) }
        let problems = definition.problems
        return problems.isEmpty ? .success(definition) : .failure(DefinitionError(problems: problems))
    }

    public var problems: [String] {
        var problems: [String] = []
        if !Self.isIdentifier(slug, allowDash: true) { problems.append("L'identifiant de la démarche doit être en minuscules, chiffres et tirets.") }
        if title.trimmingCharacters(in: .whitespaces).isEmpty { problems.append("La démarche doit avoir un titre.") }
        return problems + FormCheck.problems(in: form) + WorkflowCheck.problems(in: workflow)
    }

    /// Canonical JSON (sorted keys, pretty) used for storage and export, so an export re-imports identical.
    public func canonicalJSON() -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        return (try? encoder.encode(self)) ?? Data()
    }

    static func isIdentifier(_ s: String, allowDash: Bool) -> Bool {
        !s.isEmpty && s.count <= 64 && s.unicodeScalars.allSatisfy {
            ($0 >= "a" && $0 <= "z") || ($0 >= "0" && $0 <= "9") || $0 == "_" || (allowDash && $0 == "-")
        }
    }

    private static func describe(_ error: Error) -> String {
        switch error {
        case DecodingError.keyNotFound(let key, let ctx): "clé « \(key.stringValue) » manquante (\(path(ctx)))"
        case DecodingError.typeMismatch(_, let ctx), DecodingError.valueNotFound(_, let ctx): "type inattendu (\(path(ctx)))"
        case DecodingError.dataCorrupted(let ctx): ctx.codingPath.isEmpty ? "JSON illisible" : "valeur invalide (\(path(ctx)))"
        default: "JSON illisible"
        }
    }

    private static func path(_ ctx: DecodingError.Context) -> String {
        ctx.codingPath.map { $0.intValue.map(String.init) ?? $0.stringValue }.joined(separator: ".")
    }
}

public struct DefinitionError: Error, Sendable, Equatable {
    public var problems: [String]
    public init(problems: [String]) { self.problems = problems }
}
