import Foundation
import Territory
import Workflow

/// A category's relay addresses as an admin types them, one commune per line: « Bron : voirie@ville-bron.fr ».
public enum RelayAddresses {
    /// At most this many lines are read (there are 58 communes).
    static let maxLines = 100

    /// What is wrong with the text: a French sentence per faulty line.
    public struct Refused: Error, Equatable { public var lines: [String] }

    /// The addresses by commune slug, or what is wrong.
    public static func parse(_ text: String, territory: [Collectivite]) -> Result<[String: String], Refused> {
        let names = PlaceNames.Index(territory.filter { $0.kind == .commune })
        var addresses: [String: String] = [:], problems: [String] = []
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).prefix(maxLines)
        for (n, raw) in lines.enumerated() {
            let line = raw.trimmingCharacters(in: .whitespacesAndNewlines)
            guard !line.isEmpty else { continue }
            guard let colon = line.firstIndex(of: ":") else {
                problems.append("Ligne \(n + 1) : écrivez « Commune : adresse ».")
                continue
            }
            let name = line[..<colon].trimmingCharacters(in: .whitespaces)
            let address = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            guard let commune = names.commune(named: name) else {
                problems.append("Ligne \(n + 1) : « \(name.prefix(60)) » n'est pas une commune de la Métropole.")
                continue
            }
            guard Email.isValid(address) else {
                problems.append("Ligne \(n + 1) : « \(address.prefix(80)) » n'est pas une adresse e-mail valide.")
                continue
            }
            if addresses[commune.slug] != nil { problems.append("Ligne \(n + 1) : \(commune.name) a déjà une adresse plus haut.") }
            addresses[commune.slug] = address
        }
        return problems.isEmpty ? .success(addresses) : .failure(Refused(lines: problems))
    }

    /// The text `parse` reads back, communes in French order.
    public static func text(_ addresses: [String: String], territory: [Collectivite]) -> String {
        let names = Dictionary(territory.map { ($0.slug, $0.name) }, uniquingKeysWith: { a, _ in a })
        return addresses.map { (names[$0.key] ?? $0.key, $0.value) }
            .sorted { FrenchOrder.key($0.0) < FrenchOrder.key($1.0) }
            .map { "\($0.0) : \($0.1)" }.joined(separator: "\n")
    }
}
