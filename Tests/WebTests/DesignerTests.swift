import Demarches
import Foundation
import GuichetTestSupport
import Vapor
import XCTest

/// The designer's pages: checking without saving, saving offline then going online, the version history with
/// its comparison, and test-filling that shows what filing would do while writing nothing.
final class DesignerTests: XCTestCase {
    var guichet: TestGuichet!
    var admin: Browser!
    override func setUp() async throws {
        guichet = try await TestGuichet.make()
        admin = guichet.browser()
        _ = try await admin.signIn("admin@caluire-et-cuire.demo.fr", password: "Guichet-Demo-2026!")
        _ = try await admin.get("/bo/caluire-et-cuire/demarches")
    }
    override func tearDown() async throws { try await guichet.shutdown() }

    func authored(_ slug: String) async throws -> DemarcheDefinition {
        let scope = try await XCTUnwrapAsync(try await guichet.store.operatorScope(slug: "caluire-et-cuire"))
        return try await XCTUnwrapAsync(try await guichet.store.authoredDemarche(slug: slug, in: scope)).definition
    }

    func testCheckingSavesNothingAVersionSavedOfflineIsHiddenUntilPutOnlineAndHistoryComparesVersions() async throws {
        var definition = try await authored("acte-etat-civil")
        definition.form.fields[0].label = "Type d'acte demandé"
        definition.form.fields.append(Field(id: "remarque", label: "Remarque", type: .longText))
        let json = String(decoding: definition.canonicalJSON(), as: UTF8.self)

        let checked = try await admin.post("/bo/caluire-et-cuire/demarches/editer", [("definition", json), ("en_ligne", "non"), ("action", "verifier")])
        XCTAssertEqual(checked.status, .ok)
        XCTAssertTrue(checked.contains("La définition est correcte. Elle n'est pas encore enregistrée."))
        let stillOne = try await guichet.store.versions(ofDemarche: "acte-etat-civil",
                                                        in: try await XCTUnwrapAsync(try await guichet.store.operatorScope(slug: "caluire-et-cuire"))).count
        XCTAssertEqual(stillOne, 1, "checking writes no version")

        let saved = try await admin.post("/bo/caluire-et-cuire/demarches/editer", [("definition", json), ("en_ligne", "non"), ("action", "enregistrer")])
        XCTAssertEqual(saved.status, .seeOther)
        XCTAssertEqual(saved.location, "/bo/caluire-et-cuire/demarches/acte-etat-civil")
        let hidden = try await guichet.browser().get("/c/caluire-et-cuire/demarches/acte-etat-civil").status
        XCTAssertEqual(hidden, .notFound, "saved offline: citizens do not see it")
        let page = try await admin.get("/bo/caluire-et-cuire/demarches/acte-etat-civil")
        XCTAssertTrue(page.contains("Hors ligne"))
        XCTAssertTrue(page.contains("2 (actuelle)"))
        XCTAssertTrue(page.contains("Alex Admin (Caluire-et-Cuire)"), "the version names who saved it")
        XCTAssertTrue(page.contains("Ligne de commande"), "the seeded version was saved by the command line")
        _ = try await admin.post("/bo/caluire-et-cuire/demarches/acte-etat-civil/publication", [("publier", "oui")])
        let online = try await guichet.browser().get("/c/caluire-et-cuire/demarches/acte-etat-civil")
        XCTAssertEqual(online.status, .ok)
        XCTAssertTrue(online.contains("Type d&#39;acte demandé"))

        let diff = try await admin.get("/bo/caluire-et-cuire/demarches/acte-etat-civil/versions/2")
        XCTAssertEqual(diff.status, .ok)
        XCTAssertTrue(diff.contains("Champ ajouté : « Remarque »."), diff.body)
        XCTAssertTrue(diff.contains("Champ modifié : « Type d&#39;acte demandé » (libellé)."), diff.body)
        XCTAssertTrue(diff.contains("<ins class=\"add\">+"))
        let noPrevious = try await admin.get("/bo/caluire-et-cuire/demarches/acte-etat-civil/versions/1").status
        XCTAssertEqual(noPrevious, .notFound)
        let otherCommune = try await admin.get("/bo/bron/demarches/acte-etat-civil/versions/2").status
        XCTAssertEqual(otherCommune, .forbidden)
    }

    func testTestFillingShowsWhatFilingWouldDoAndWritesNothing() async throws {
        let before = try await guichet.store.outboxCounts().pending
        let empty = try await admin.postMultipart("/bo/caluire-et-cuire/demarches/subvention-association/essai", [])
        XCTAssertEqual(empty.status, .unprocessableEntity)
        XCTAssertTrue(empty.contains("Nom de l&#39;association"))
        let fields: [(String, String)] = [
            ("association", "Les Amis du Parc"), ("domaine", "sport"), ("rna", "W691234567"),
            ("adresse_siege.street", "3 place de la Mairie"), ("adresse_siege.postcode", "69300"), ("adresse_siege.city", "Caluire-et-Cuire"),
            ("objet", "fonctionnement"), ("description", "Activités"), ("budget", "1000"), ("montant", "500"),
            ("iban", "FR7630006000011234567890189"), ("nom", "Paul Durand"), ("fonction", "president"),
            ("email", "paul@exemple.fr"), ("engagement", "oui")]
        let tried = try await admin.postMultipart("/bo/caluire-et-cuire/demarches/subvention-association/essai", fields,
                                                  files: [(field: "statuts", filename: "statuts.pdf", bytes: Array("%PDF-1.4 s".utf8))])
        XCTAssertEqual(tried.status, .ok, tried.body)
        XCTAssertTrue(tried.contains("la demande serait acceptée"))
        XCTAssertTrue(tried.contains("Affectée au rôle « vie-associative »."), tried.body)
        XCTAssertTrue(tried.contains("Courriel aux agents du rôle « vie-associative »"))
        XCTAssertTrue(tried.contains("Délai légal armé : 2 mois"))
        XCTAssertTrue(tried.contains("<dd>Sport</dd>"), "answers from a data source show their label")
        let after = try await guichet.store.outboxCounts().pending
        XCTAssertEqual(after, before, "nothing is sent")
        let inbox = try await admin.get("/bo/caluire-et-cuire/demandes").text(id: "total")
        XCTAssertEqual(inbox, "0 demande(s)", "nothing is filed")

        let agent = guichet.browser()
        _ = try await agent.signIn("agent@caluire-et-cuire.demo.fr", password: "Guichet-Demo-2026!")
        let refused = try await agent.get("/bo/caluire-et-cuire/demarches/subvention-association/essai").status
        XCTAssertEqual(refused, .notFound, "test-filling is for admins")
    }
}
