import Demarches
import Foundation
import PropertyBased
import Testing

/// Data sources, bundles and version comparison: what the designer and the import rely on.
@Suite struct DataSourceTests {
    /// Text from an alphabet that holds the characters that break naive parsers (separators, accents, quotes).
    static func text(_ codes: [Int], from alphabet: [Character] = Array("aé ;'\"-Z9\\«»,")) -> String {
        String(codes.map { alphabet[abs($0) % alphabet.count] })
    }

    @Test func urlAnswersAreReadInTheShapesOtherSystemsPublish() throws {
        let publik = try DataSource.items(fromJSON: Data(#"{"err": 0, "data": [{"id": 12, "text": "École Jean Moulin"}, {"id": "b", "text": "B"}]}"#.utf8))
        #expect(publik == [Choice(value: "12", label: "École Jean Moulin"), Choice(value: "b", label: "B")])
        let bare = try DataSource.items(fromJSON: Data(#"[{"value": "v", "label": "L"}, {"id": "x"}]"#.utf8))
        #expect(bare == [Choice(value: "v", label: "L"), Choice(value: "x", label: "x")], "an item without a label shows its value")
        #expect(throws: DataSource.SourceFormatError.self) { try DataSource.items(fromJSON: Data(#"{"data": {"id": 1}}"#.utf8)) }
        #expect(throws: DataSource.SourceFormatError.self) { try DataSource.items(fromJSON: Data(#"[{"text": "no id"}]"#.utf8)) }
        #expect(throws: (any Error).self) { try DataSource.items(fromJSON: Data("<html>".utf8)) }
    }

    @Test func tableLinesGiveValuesAndLabelsAndNameTheFirstBadLine() {
        let parsed = DataSource.items(fromLines: "ecole-a;École A\n\n  Rue de la Ré  \r\nx;y;z")
        #expect(parsed == .success([Choice(value: "ecole-a", label: "École A"), Choice(value: "rue-de-la-re", label: "Rue de la Ré"),
                                    Choice(value: "x", label: "y;z")]))
        #expect(DataSource.items(fromLines: "a;A\n;B") == .failure(DataSource.LineError(line: 2)))
    }

    /// The source editor shows a table's rows as `valeur;libellé` lines and reads them back: any table of values
    /// without `;` survives the trip, labels with `;` included.
    @Test func tableRowsSurviveTheEditorsLines() async {
        await propertyCheck(count: 500, input: Gen.int(in: 0...1_000).array(of: 0...8).array(of: 1...20)) { rows in
            let items = rows.enumerated().map { n, codes in
                Choice(value: "v\(n)" + Self.text(codes, from: Array("abc-9é")), label: "L" + Self.text(codes) + "x")
            }
            let lines = items.map { "\($0.value);\($0.label)" }.joined(separator: "\n")
            #expect(DataSource.items(fromLines: lines) == .success(items), "\(lines)")
        }
    }

    @Test func sourcesWithProblemsSayWhichAndWhere() {
        let table = DataSource(id: "Écoles", title: "", kind: .table, items: [Choice(value: "a", label: "A"), Choice(value: "a", label: "")])
        #expect(table.problems == [
            "L'identifiant de la source « Écoles » doit être en minuscules, chiffres et tirets.",
            "La source « Écoles » n'a pas de titre.",
            "La valeur « a » figure deux fois dans « Écoles ».",
            "La ligne 2 de « Écoles » n'a pas de libellé.",
        ])
        let url = DataSource(id: "rues", title: "Rues", kind: .url, url: "ftp://x", cacheSeconds: -1, timeoutSeconds: 60)
        #expect(url.problems.count == 3)
        #expect(DataSource(id: "rues", title: "Rues", kind: .url, url: "https://data.grandlyon.com/rues.json").problems.isEmpty)
    }

    @Test func aBundleMustCarryTheSourcesItsFormReads() throws {
        let definition = try DemoCatalogue.definition("subvention-association")
        let empty = DemarcheBundle(demarche: definition, dataSources: [])
        guard case .failure(let error) = DemarcheBundle.parse(json: empty.canonicalJSON()) else { Issue.record("accepted"); return }
        #expect(error.problems == ["Le champ « Domaine d'activité » lit la source « domaines-associatifs », absente du paquet."])
        var wrongFormat = try DemoCatalogue.bundle("subvention-association")
        wrongFormat.format = "autre/2"
        guard case .failure(let format) = DemarcheBundle.parse(json: wrongFormat.canonicalJSON()) else { Issue.record("accepted"); return }
        #expect(format.problems == ["Format de paquet « autre/2 » inconnu (attendu : guichet.demarche/1)."])
    }

    /// Every demo démarche, with any table as its source: exported, read back, exported again, the same bytes.
    @Test func bundlesReadBackIdentical() async throws {
        let definitions = try ["signalement-espace-public", "occupation-domaine-public", "acte-etat-civil", "subvention-association", "bac-de-collecte"]
            .map(DemoCatalogue.bundle)
        await propertyCheck(count: 200, input: Gen.int(in: 0...4), Gen.int(in: 0...1_000).array(of: 1...6).array(of: 1...30)) { which, rows in
            var bundle = definitions[which]
            if !bundle.dataSources.isEmpty {
                bundle.dataSources[0].items = rows.enumerated().map { Choice(value: "v\($0)", label: "L" + Self.text($1)) }
            }
            let json = bundle.canonicalJSON()
            let read = try DemarcheBundle.parse(json: json).get()
            #expect(read == bundle)
            #expect(read.canonicalJSON() == json)
        }
    }

    @Test func comparingVersionsNamesWhatChanged() throws {
        let old = try DemoCatalogue.definition("acte-etat-civil")
        var new = old
        new.title = "Acte d'état civil"
        new.form.fields[1].required.toggle()
        new.form.fields.removeLast()
        new.form.fields.swapAt(1, 2)
        new.workflow.statuses[0].label = "Arrivée"
        let changes = DefinitionDiff.changes(from: old, to: new)
        #expect(changes.contains("Titre : « \(old.title) » devient « Acte d'état civil »."))
        #expect(changes.contains("Champ modifié : « \(new.form.fields[2].label) » (obligatoire)."))
        #expect(changes.contains("Champ supprimé : « \(old.form.fields.last!.label) »."))
        #expect(changes.contains("L'ordre des champs a changé."))
        #expect(changes.contains("Statut modifié : « Arrivée » (libellé)."))
        #expect(DefinitionDiff.changes(from: old, to: old).isEmpty)
    }

    /// Texts that differ: with enough context, the comparison holds both texts: its unchanged and removed lines are the old text,
    /// its unchanged and added lines the new one.
    @Test func lineComparisonRebuildsBothTexts() async {
        await propertyCheck(count: 500, input: Gen.int(in: 0...5).array(of: 0...30), Gen.int(in: 0...5).array(of: 0...30)) { a, b in
            let old = a.map { "l\($0)" }.joined(separator: "\n"), new = b.map { "l\($0)" }.joined(separator: "\n")
            let lines = DefinitionDiff.lines(from: old, to: new, context: 1_000)
            if old == new { #expect(lines.isEmpty); return }
            #expect(lines.filter { $0.kind != .added }.map(\.text).joined(separator: "\n") == old)
            #expect(lines.filter { $0.kind != .removed }.map(\.text).joined(separator: "\n") == new)
        }
    }

    @Test func farFromChangesLinesGiveWayToAGap() {
        let old = (1...20).map { "l\($0)" }.joined(separator: "\n")
        let new = old.replacingOccurrences(of: "l10\n", with: "l10 bis\n")
        let lines = DefinitionDiff.lines(from: old, to: new, context: 2)
        #expect(lines.map(\.kind) == [.gap, .same, .same, .removed, .added, .same, .same, .gap])
    }

    /// A source's key in its URL stays out of the logs.
    @Test func addressesAreLoggedWithoutTheirSecrets() {
        #expect(DataSource.loggable("https://api.exemple.fr/v1/ecoles?cle=s3cr3t&ville=caluire") == "https://api.exemple.fr/v1/ecoles (paramètres masqués)")
        #expect(DataSource.loggable("https://jean:motdepasse@intranet.exemple.fr:8443/liste") == "https://intranet.exemple.fr:8443/liste (paramètres masqués)")
        #expect(DataSource.loggable("https://data.grandlyon.com/api/velov.json") == "https://data.grandlyon.com/api/velov.json")
        #expect(DataSource.loggable("pas une adresse") == "(adresse invalide)")
    }
}
