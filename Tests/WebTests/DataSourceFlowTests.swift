import Demarches
import Foundation
import GuichetTestSupport
import NIOConcurrencyHelpers
import Storage
import Vapor
import XCTest

/// Data sources as choice fields read them (a table edited in the back-office, a JSON URL served by a real local
/// HTTP server), and démarches moved between collectivités as bundles.
final class DataSourceFlowTests: XCTestCase {
    var guichet: TestGuichet!
    override func setUp() async throws { guichet = try await TestGuichet.make() }
    override func tearDown() async throws { try await guichet.shutdown() }

    static let subsidyPath = "/api/v1/collectivites/caluire-et-cuire/demarches/subvention-association/demandes"
    static func subsidy(domaine: String) -> [String: Any] {
        ["association": "Les Amis du Parc", "domaine": domaine, "rna": "W691234567", "a_siret": false,
         "adresse_siege": ["street": "3 place de la Mairie", "postcode": "69300", "city": "Caluire-et-Cuire"],
         "objet": "fonctionnement", "description": "Activités", "budget": 1000, "montant": 500, "iban": "FR7630006000011234567890189",
         "statuts": [["filename": "statuts.pdf", "content_base64": Data("%PDF-1.4 s".utf8).base64EncodedString()]],
         "nom": "Paul Durand", "fonction": "president", "email": "paul@exemple.fr", "engagement": true]
    }

    func testATableEditedInTheBackOfficeIsWhatTheFormOffersAndAccepts() async throws {
        let citizen = guichet.browser()
        let form = try await citizen.get("/c/caluire-et-cuire/demarches/subvention-association")
        XCTAssertTrue(form.contains(">Culture et arts</option>"), "the demo table fills the list")
        let accepted = try await citizen.json(.POST, Self.subsidyPath, ["data": Self.subsidy(domaine: "culture")])
        XCTAssertEqual(accepted.status, .created, accepted.body)

        let admin = guichet.browser()
        _ = try await admin.signIn("admin@caluire-et-cuire.demo.fr", password: "Guichet-Demo-2026!")
        let editor = try await admin.get("/bo/caluire-et-cuire/sources/domaines-associatifs")
        XCTAssertTrue(editor.contains("sport;Sport\nculture;Culture et arts"), "the table's rows are shown as lines to edit")
        let badLine = try await admin.postMultipart("/bo/caluire-et-cuire/sources", [
            ("nouvelle", "non"), ("identifiant", "domaines-associatifs"), ("titre", "Domaines"), ("kind", "table"),
            ("lignes", "sport;Sport\n;Sans valeur")])
        XCTAssertEqual(badLine.status, .unprocessableEntity)
        XCTAssertTrue(badLine.contains("Ligne 2 : attendu"))
        let unchanged = try await citizen.get("/c/caluire-et-cuire/demarches/subvention-association")
        XCTAssertTrue(unchanged.contains(">Culture et arts</option>"), "a refused table changes nothing")

        let saved = try await admin.postMultipart("/bo/caluire-et-cuire/sources", [
            ("nouvelle", "non"), ("identifiant", "domaines-associatifs"), ("titre", "Domaines"), ("kind", "table"), ("lignes", "")],
            files: [(field: "fichier", filename: "domaines.csv", bytes: Array("sport;Sport\nNumérique et innovation\n".utf8))])
        XCTAssertEqual(saved.status, .seeOther, saved.body)
        let edited = try await citizen.get("/c/caluire-et-cuire/demarches/subvention-association")
        XCTAssertTrue(edited.contains("value=\"numerique-et-innovation\""), "a label alone gets a value made from it")
        XCTAssertFalse(edited.contains("Culture et arts"))
        let refused = try await citizen.json(.POST, Self.subsidyPath, ["data": Self.subsidy(domaine: "culture")])
        XCTAssertEqual(refused.status, .unprocessableEntity)
        XCTAssertTrue(refused.body.contains("domaine"), refused.body)
        let filed = try await citizen.json(.POST, Self.subsidyPath, ["data": Self.subsidy(domaine: "numerique-et-innovation")])
        XCTAssertEqual(filed.status, .created, filed.body)

        let list = try await admin.get("/bo/caluire-et-cuire/sources")
        XCTAssertTrue(list.contains("2 lignes"))
        XCTAssertTrue(list.contains("Demande de subvention pour une association"), "the list says which démarches read the source")
        let kept = try await admin.post("/bo/caluire-et-cuire/sources/domaines-associatifs/suppression", [])
        XCTAssertEqual(kept.status, .seeOther)
        let stillThere = try await guichet.store.dataSources(in: try await XCTUnwrapAsync(try await guichet.store.operatorScope(slug: "caluire-et-cuire")))
        XCTAssertNotNil(stillThere["domaines-associatifs"], "a source a démarche reads is not deleted")

        let agent = guichet.browser()
        _ = try await agent.signIn("agent@caluire-et-cuire.demo.fr", password: "Guichet-Demo-2026!")
        let forbidden = try await agent.get("/bo/caluire-et-cuire/sources").status
        XCTAssertEqual(forbidden, .forbidden, "agents who are not admins do not edit sources")
        let otherTenant = try await admin.get("/bo/bron/sources").status
        XCTAssertEqual(otherTenant, .forbidden, "an admin of one commune does not reach another's sources")
    }

    func testAURLSourceIsReadWithinItsTimeoutCachedAndKeptWhenTheOtherSystemFails() async throws {
        let receiver = try await Application.make(Environment(name: "testing", arguments: ["receiver"]))
        receiver.http.server.configuration.hostname = "127.0.0.1"
        receiver.http.server.configuration.port = 0
        let hits = NIOLockedValueBox(0)
        let failing = NIOLockedValueBox(false)
        receiver.get("ecoles") { _ async throws -> Response in
            hits.withLockedValue { $0 += 1 }
            if failing.withLockedValue({ $0 }) { return Response(status: .serviceUnavailable) }
            return Response(status: .ok, body: .init(string: #"{"data": [{"id": 12, "text": "École Jean Moulin"}, {"id": "13", "text": "École Pasteur"}]}"#))
        }
        try await receiver.startup()
        let port = try XCTUnwrap(receiver.http.server.shared.localAddress?.port)
        let scope = try await XCTUnwrapAsync(try await guichet.store.operatorScope(slug: "caluire-et-cuire"))
        try await guichet.store.saveDataSource(DataSource(id: "ecoles", title: "Écoles", kind: .url, url: "http://127.0.0.1:\(port)/ecoles",
                                                          cacheSeconds: 60, timeoutSeconds: 2), in: scope)
        let definition = try DemarcheDefinition.parse(json: Data("""
            {"slug": "inscription-cantine", "title": "Inscription à la cantine", "summary": "Test",
             "form": {"fields": [{"id": "ecole", "label": "École", "type": "single_choice", "dataSource": "ecoles", "required": true},
                                 {"id": "email", "label": "E-mail", "type": "email", "required": true}]},
             "workflow": {"initialStatus": "recue", "statuses": [{"id": "recue", "label": "Reçue", "colour": "blue", "isEnd": true}], "transitions": []}}
            """.utf8)).get()
        try await guichet.store.publish(definition, in: scope)

        let first = try await guichet.store.currentDemarche(slug: "inscription-cantine", in: scope)
        XCTAssertEqual(first?.definition.form.fields[0].options, [Choice(value: "12", label: "École Jean Moulin"), Choice(value: "13", label: "École Pasteur")])
        _ = try await guichet.store.currentDemarche(slug: "inscription-cantine", in: scope)
        XCTAssertEqual(hits.withLockedValue { $0 }, 1, "read once while fresh")
        let api = guichet.browser()
        let filed = try await api.json(.POST, "/api/v1/collectivites/caluire-et-cuire/demarches/inscription-cantine/demandes",
                                       ["data": ["ecole": "13", "email": "lea@exemple.fr"]])
        XCTAssertEqual(filed.status, .created, filed.body)
        let unknown = try await api.json(.POST, "/api/v1/collectivites/caluire-et-cuire/demarches/inscription-cantine/demandes",
                                         ["data": ["ecole": "99", "email": "lea@exemple.fr"]])
        XCTAssertEqual(unknown.status, .unprocessableEntity)

        failing.withLockedValue { $0 = true }
        guichet.clock.advance(61)
        let stale = try await guichet.store.currentDemarche(slug: "inscription-cantine", in: scope)
        XCTAssertEqual(hits.withLockedValue { $0 }, 2, "read again once stale")
        XCTAssertEqual(stale?.definition.form.fields[0].options?.count, 2, "the last good answer is kept when the other system fails")
        let stored = try await guichet.store.dataSources(in: scope)["ecoles"]
        let state = await guichet.store.urlSourceState(try XCTUnwrap(stored).source)
        XCTAssertEqual(state.lastError, "adresse injoignable ou trop lente")
        _ = try await guichet.store.currentDemarche(slug: "inscription-cantine", in: scope)
        XCTAssertEqual(hits.withLockedValue { $0 }, 2, "a failing system is not called again for 30 s")
        try await receiver.asyncShutdown()
    }

    /// Exported from a commune, imported into the Métropole over HTTP (offline, sources with it), exported again:
    /// the same bytes. A broken bundle is refused with its problems and changes nothing.
    func testBundlesMoveADemarcheWithItsSourcesAndBrokenOnesChangeNothing() async throws {
        let commune = guichet.browser()
        _ = try await commune.signIn("admin@caluire-et-cuire.demo.fr", password: "Guichet-Demo-2026!")
        let exported = try await commune.get("/bo/caluire-et-cuire/demarches/subvention-association/paquet")
        XCTAssertEqual(exported.status, .ok)
        let bundle = try JSONDecoder().decode(DemarcheBundle.self, from: Data(exported.body.utf8))
        XCTAssertEqual(bundle.dataSources.map(\.id), ["domaines-associatifs"])
        XCTAssertEqual(bundle.dataSources[0].items?.count, 10)

        let metropole = guichet.browser()
        _ = try await metropole.signIn("admin@metropole.demo.fr", password: "Guichet-Demo-2026!")
        _ = try await metropole.get("/bo/metropole/demarches/importer")
        let scope = try await XCTUnwrapAsync(try await guichet.store.operatorScope(slug: "metropole"))
        var broken = bundle
        broken.demarche.form.fields[2].dataSource = "inconnue"
        broken.dataSources[0].items?.append(Choice(value: "sport", label: "Sport encore"))
        let refused = try await metropole.postMultipart("/bo/metropole/demarches/importer", [],
                                                        files: [(field: "paquet", filename: "b.guichet.json", bytes: Array(broken.canonicalJSON()))])
        XCTAssertEqual(refused.status, .unprocessableEntity)
        XCTAssertTrue(refused.contains("Le champ « Domaine d&#39;activité » lit la source « inconnue », absente du paquet."), refused.body)
        XCTAssertTrue(refused.contains("La valeur « sport » figure deux fois"))
        let garbage = try await metropole.postMultipart("/bo/metropole/demarches/importer", [],
                                                        files: [(field: "paquet", filename: "b.json", bytes: Array(#"{"format": "guichet.demarche/1", "demarche": {"slug": 3}}"#.utf8))])
        XCTAssertEqual(garbage.status, .unprocessableEntity)
        XCTAssertTrue(garbage.contains("type inattendu (demarche.slug)"), garbage.body)
        let nothingYet = try await guichet.store.demarches(in: scope).map(\.slug)
        XCTAssertFalse(nothingYet.contains("subvention-association"))
        let noSource = try await guichet.store.dataSources(in: scope)
        XCTAssertTrue(noSource.isEmpty, "a refused bundle writes no source either")

        let imported = try await metropole.postMultipart("/bo/metropole/demarches/importer", [],
                                                         files: [(field: "paquet", filename: "b.guichet.json", bytes: Array(exported.body.utf8))])
        XCTAssertEqual(imported.status, .seeOther, imported.body)
        let offline = try await guichet.browser().get("/c/metropole/demarches/subvention-association").status
        XCTAssertEqual(offline, .notFound, "an imported démarche arrives offline")
        let again = try await metropole.get("/bo/metropole/demarches/subvention-association/paquet")
        XCTAssertEqual(again.body, exported.body, "exported, imported, exported again: identical")
        let sources = try await guichet.store.dataSources(in: scope)
        XCTAssertEqual(sources["domaines-associatifs"]?.source, bundle.dataSources[0])
    }

    func testPublishingADefinitionThatReadsAnotherCollectivitesSourceIsRefused() async throws {
        let metropole = try await XCTUnwrapAsync(try await guichet.store.operatorScope(slug: "metropole"))
        let definition = try DemoCatalogue.definition("subvention-association")
        do {
            try await guichet.store.publish(definition, in: metropole)
            XCTFail("published with a source the Métropole does not have")
        } catch let error as DefinitionError {
            XCTAssertEqual(error.problems, ["La source de données « domaines-associatifs » n'existe pas."])
        }
        let slugs = try await guichet.store.demarches(in: metropole).map(\.slug)
        XCTAssertFalse(slugs.contains("subvention-association"))
    }
}
