import Demarches
import Foundation
import GuichetTestSupport
import SQLKit
import Storage
import Vapor
import XCTest

/// The demo subsidy démarche on the portal: four pages, conditional questions, a page check, a computed share,
/// a file kept from one page to the end, a summary, then the request with only the questions asked.
final class MultiPageFormTests: XCTestCase {
    var guichet: TestGuichet!
    override func setUp() async throws { guichet = try await TestGuichet.make() }
    override func tearDown() async throws { try await guichet.shutdown() }

    static let form = "/c/caluire-et-cuire/demarches/subvention-association"
    static let pdf = Array("%PDF-1.4 statuts".utf8)

    func page(_ n: Int, _ fields: [(String, String)], action: String = "suivant", files: [(field: String, filename: String, bytes: [UInt8])] = [],
              _ browser: Browser) async throws -> Browser.Page {
        try await browser.postMultipart(Self.form, [("_page", "\(n)"), ("action", action)] + fields, files: files)
    }

    func testACitizenWalksThePagesAndSendsFromTheSummary() async throws {
        let citizen = guichet.browser()
        let first = try await citizen.get(Self.form + "?association=Les%20Amis%20du%20Parc")
        XCTAssertTrue(first.contains("Étape 1 sur 4"))
        XCTAssertTrue(first.contains("value=\"Les Amis du Parc\""), "prefilled from the address")
        XCTAssertTrue(first.contains("id=\"bloc-siret\" hidden"), "asked only with a SIRET")

        // Page 1: the SIRET box is ticked, so the SIRET becomes required.
        let missing = try await page(0, [("association", "Les Amis du Parc"), ("rna", "W691234567"), ("a_siret", "on"),
                                         ("adresse_siege.street", "3 place de la Mairie"), ("adresse_siege.postcode", "69300"),
                                         ("adresse_siege.city", "Caluire-et-Cuire")], citizen)
        XCTAssertEqual(missing.status, .unprocessableEntity)
        XCTAssertEqual(missing.fieldErrors["siret"], "Ce champ est obligatoire.")
        let next = try await page(0, [("association", "Les Amis du Parc"), ("rna", "W691234567"),
                                      ("adresse_siege.street", "3 place de la Mairie"), ("adresse_siege.postcode", "69300"),
                                      ("adresse_siege.city", "Caluire-et-Cuire")], citizen)
        XCTAssertEqual(next.location, Self.form + "?page=1")

        // One cannot jump past an incomplete page.
        let jump = try await citizen.get(Self.form + "?page=3")
        XCTAssertEqual(jump.location, Self.form + "?page=1")

        // Page 2: an event needs its dates and place.
        let event = try await page(1, [("objet", "evenement"), ("description", "Fête de quartier")], citizen)
        XCTAssertEqual(event.fieldErrors["evenement_dates"], "Ce champ est obligatoire.")
        XCTAssertEqual(event.fieldErrors["evenement_lieu"], "Ce champ est obligatoire.")
        try await page(1, [("objet", "evenement"), ("description", "Fête de quartier"), ("evenement_dates.start", "2027-06-20"),
                           ("evenement_dates.end", "2027-06-21"), ("evenement_lieu", "Parc de la Jonchère")], citizen)

        // Page 3: asking for more than 80 % of the budget is refused with the page's own message.
        let greedy = try await page(2, [("budget", "1000"), ("montant", "900"), ("iban", "FR76 3000 6000 0112 3456 7890 189")],
                                    files: [("statuts", "statuts.pdf", Self.pdf)], citizen)
        XCTAssertEqual(greedy.status, .unprocessableEntity)
        XCTAssertTrue(greedy.contains("La subvention demandée ne peut pas dépasser 80 % du budget du projet."))
        XCTAssertTrue(greedy.contains("Déjà joint : statuts.pdf"), "the file sent with the refused page is kept")
        let budget = try await page(2, [("budget", "1000"), ("montant", "750"), ("iban", "FR76 3000 6000 0112 3456 7890 189")], citizen)
        XCTAssertEqual(budget.location, Self.form + "?page=3")

        // Page 4, then the summary.
        let done = try await page(3, [("nom", "Paul Durand"), ("fonction", "president"), ("email", "paul@exemple.fr"), ("engagement", "on")], citizen)
        XCTAssertEqual(done.location, Self.form + "?etape=recapitulatif")
        let summary = try await citizen.get(try XCTUnwrap(done.location))
        XCTAssertTrue(summary.contains("Vérifiez votre demande"))
        XCTAssertTrue(summary.contains("du 20/06/2027 au 21/06/2027"))
        XCTAssertTrue(summary.contains("Part du budget demandée (%)") && summary.contains("<dd>75</dd>"), "computed share")
        XCTAssertTrue(summary.contains("statuts.pdf"))
        XCTAssertFalse(summary.contains("Numéro SIRET"), "not asked, not shown")
        XCTAssertTrue(summary.contains("href=\"\(Self.form)?page=1&amp;retour=recapitulatif\""), "a way back to each page")

        let sent = try await citizen.post(Self.form, [("action", "envoyer")])
        XCTAssertEqual(sent.status, .seeOther)
        XCTAssertTrue(try XCTUnwrap(sent.location).hasSuffix("/recu"))
        let number = try XCTUnwrap(sent.location?.split(separator: "/").dropLast().last.map(String.init))

        let agent = guichet.browser()
        try await agent.signIn("agent@caluire-et-cuire.demo.fr", password: "Guichet-Demo-2026!")
        let detail = try await agent.get("/bo/caluire-et-cuire/demandes/\(number)")
        XCTAssertTrue(detail.contains("Les Amis du Parc") && detail.contains("FR76 3000 6000 0112 3456 7890 189") && detail.contains("statuts.pdf"))
        XCTAssertTrue(detail.contains("Fête de quartier"))

        // The answers are gone from the session once sent: the form starts afresh.
        let again = try await citizen.get(Self.form)
        XCTAssertFalse(again.contains("Les Amis du Parc"))
    }

    func testChangingAnEarlierAnswerDropsTheQuestionsItNoLongerAsks() async throws {
        let citizen = guichet.browser()
        try await citizen.get(Self.form)
        try await page(0, [("association", "Club"), ("rna", "W691234567"), ("adresse_siege.street", "1 rue A"),
                           ("adresse_siege.postcode", "69300"), ("adresse_siege.city", "Caluire")], citizen)
        try await page(1, [("objet", "evenement"), ("description", "Tournoi"), ("evenement_dates.start", "2027-05-01"),
                           ("evenement_dates.end", "2027-05-01"), ("evenement_lieu", "Gymnase")], citizen)
        // Back on page 2, the citizen now asks for equipment: the event questions no longer apply.
        try await page(1, [("objet", "equipement"), ("description", "Filets")], citizen)
        try await page(2, [("budget", "500"), ("montant", "100"), ("iban", "FR7630006000011234567890189")],
                       files: [("statuts", "statuts.pdf", Self.pdf)], citizen)
        let mandate = try await page(3, [("nom", "Ana"), ("fonction", "autre"), ("email", "ana@exemple.fr"), ("engagement", "on")], citizen)
        XCTAssertEqual(mandate.fieldErrors["mandat"], "Joignez un fichier.")
        try await page(3, [("nom", "Ana"), ("fonction", "tresorier"), ("email", "ana@exemple.fr"), ("engagement", "on")], citizen)
        let summary = try await citizen.get(Self.form + "?etape=recapitulatif")
        XCTAssertFalse(summary.contains("Gymnase"))
        XCTAssertTrue(summary.contains("Un achat d&#39;équipement") || summary.contains("Un achat d'équipement"), summary.body)
    }

    func testTheLiveConditionsAnswerForThePageOnly() async throws {
        let citizen = guichet.browser()
        try await citizen.get(Self.form + "?page=0")
        let answer = try await citizen.post(Self.form + "/visibilite", [("_page", "0"), ("a_siret", "on")])
        let json = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(answer.body.utf8)) as? [String: [String]])
        XCTAssertTrue(json["visible"]?.contains("siret") == true)
        let off = try await citizen.post(Self.form + "/visibilite", [("_page", "0")])
        let hidden = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(off.body.utf8)) as? [String: [String]])
        XCTAssertEqual(hidden["hidden"], ["siret"])
    }

    func testAnswersAreKeptPerSessionNotShared() async throws {
        let a = guichet.browser(), b = guichet.browser()
        try await a.get(Self.form)
        try await page(0, [("association", "Secret de A"), ("rna", "W691234567"), ("adresse_siege.street", "1 rue A"),
                           ("adresse_siege.postcode", "69300"), ("adresse_siege.city", "Caluire")], a)
        let other = try await b.get(Self.form)
        XCTAssertFalse(other.contains("Secret de A"))
        let back = try await a.get(Self.form)
        XCTAssertEqual(back.location, Self.form + "?page=1", "coming back goes on where the form stopped")
        let mine = try await a.get(Self.form + "?page=0")
        XCTAssertTrue(mine.contains("Secret de A"))
    }

    /// Signed in, the answers are a draft saved at every page: a form begun on a phone goes on on a computer, and
    /// the draft is gone once the request is sent.
    func testASignedInCitizenGoesOnOnAnotherDevice() async throws {
        let phone = guichet.browser(), computer = guichet.browser()
        _ = try await phone.signIn("usager@demo.fr", password: "Guichet-Demo-2026!")
        _ = try await phone.get(Self.form)
        let next = try await page(0, [("association", "Les Amis du Parc"), ("rna", "W691234567"), ("adresse_siege.street", "3 place de la Mairie"),
                                      ("adresse_siege.postcode", "69300"), ("adresse_siege.city", "Caluire-et-Cuire")], phone)
        XCTAssertEqual(next.location, Self.form + "?page=1")
        _ = try await computer.signIn("usager@demo.fr", password: "Guichet-Demo-2026!")
        let arrived = try await computer.get(Self.form)
        XCTAssertEqual(arrived.location, Self.form + "?page=1", "the first page is already answered")
        let first = try await computer.get(Self.form + "?page=0")
        XCTAssertTrue(first.contains("value=\"Les Amis du Parc\""))
        try await page(1, [("objet", "fonctionnement"), ("description", "Activités")], computer)
        try await page(2, [("budget", "1000"), ("montant", "500"), ("iban", "FR76 3000 6000 0112 3456 7890 189")],
                       files: [("statuts", "statuts.pdf", Self.pdf)], computer)
        let done = try await page(3, [("nom", "Paul Durand"), ("fonction", "president"), ("email", "paul@exemple.fr"), ("engagement", "on")], phone)
        XCTAssertEqual(done.location, Self.form + "?etape=recapitulatif", "back on the phone, the pages done on the computer count")
        let summary = try await phone.get(Self.form + "?etape=recapitulatif")
        XCTAssertTrue(summary.contains("statuts.pdf"), "the file sent from the computer is in the draft")
        let sent = try await phone.post(Self.form, [("action", "envoyer")])
        XCTAssertTrue(try XCTUnwrap(sent.location).hasSuffix("/recu"))
        let account = try await XCTUnwrapAsync(try await guichet.store.account(email: "usager@demo.fr"))
        let scope = try await XCTUnwrapAsync(try await guichet.store.citizenScope(slug: "caluire-et-cuire"))
        let demarche = try await XCTUnwrapAsync(try await guichet.store.currentDemarche(slug: "subvention-association", in: scope))
        let left = try await guichet.store.draft(accountID: account.id, demarcheID: demarche.id)
        XCTAssertNil(left)
    }

    /// A repeatable block without JavaScript: « Ajouter un membre » (the block's own noun) brings the page back with one more item and
    /// the answers kept; the items reach the summary and the request; the API takes them as a list of objects.
    func testRepeatableBlockItemsAreAddedWithoutJavaScriptAndKept() async throws {
        let citizen = guichet.browser()
        let first = try await citizen.get(Self.form)
        XCTAssertTrue(first.contains("<legend>Membre 1</legend>"))
        XCTAssertTrue(first.contains(">Ajouter un membre</button>"), "the block's own noun")
        XCTAssertFalse(first.contains("Membre 2"))
        XCTAssertEqual(first.body.components(separatedBy: "les membres du bureau, un par un").count, 2, "the block's help is not repeated by its questions")
        let page1: [(String, String)] = [("association", "Les Amis du Parc"), ("rna", "W691234567"), ("adresse_siege.street", "3 place de la Mairie"),
                                         ("adresse_siege.postcode", "69300"), ("adresse_siege.city", "Caluire-et-Cuire"),
                                         ("bureau._lignes", "1"), ("bureau.0.nom", "Paul Durand"), ("bureau.0.fonction", "president")]
        let more = try await page(0, page1, action: "ajouter:bureau", citizen)
        XCTAssertEqual(more.status, .ok)
        XCTAssertTrue(more.contains("<legend>Membre 2</legend>") && more.contains(">Retirer le dernier membre</button>"))
        XCTAssertTrue(more.contains("<fieldset class=\"block-item\" tabindex=\"-1\" autofocus><legend>Membre 2</legend>"),
                      "the new item takes the focus: the page comes back where the person was")
        XCTAssertFalse(first.contains("autofocus"), "nothing is focused on a page simply opened")
        XCTAssertTrue(more.contains("value=\"Paul Durand\""), "the answers are kept")
        XCTAssertFalse(more.contains("class=\"error\""), "adding an item checks nothing")
        let incomplete = try await page(0, page1 + [("bureau._lignes", "2"), ("bureau.1.fonction", "tresorier")], citizen)
        XCTAssertEqual(incomplete.status, .unprocessableEntity)
        XCTAssertTrue(incomplete.contains("Membre 2, « Nom et prénom » : Ce champ est obligatoire."))
        let next = try await page(0, page1 + [("bureau._lignes", "2"), ("bureau.1.nom", "Léa Martin"), ("bureau.1.fonction", "tresorier")], citizen)
        XCTAssertEqual(next.location, Self.form + "?page=1")
        try await page(1, [("objet", "fonctionnement"), ("description", "Activités")], citizen)
        try await page(2, [("budget", "1000"), ("montant", "500"), ("iban", "FR76 3000 6000 0112 3456 7890 189")],
                       files: [("statuts", "statuts.pdf", Self.pdf)], citizen)
        try await page(3, [("nom", "Paul Durand"), ("fonction", "president"), ("email", "paul@exemple.fr"), ("engagement", "on")], citizen)
        let summary = try await citizen.get(Self.form + "?etape=recapitulatif")
        XCTAssertTrue(summary.contains("1. Nom et prénom : Paul Durand, Fonction : Président ou présidente\n2. Nom et prénom : Léa Martin, Fonction : Trésorier ou trésorière"),
                      summary.body)

        var data: [String: Any] = [
            "association": "Les Amis du Parc", "rna": "W691234567", "a_siret": false,
            "adresse_siege": ["street": "3 place de la Mairie", "postcode": "69300", "city": "Caluire-et-Cuire"],
            "bureau": [["nom": "Paul Durand", "fonction": "president"], ["nom": "Léa Martin"]],
            "objet": "fonctionnement", "description": "Activités", "budget": 1000, "montant": 500, "iban": "FR7630006000011234567890189",
            "statuts": [["filename": "statuts.pdf", "content_base64": Data("%PDF-1.4 s".utf8).base64EncodedString()]],
            "nom": "Paul Durand", "fonction": "president", "email": "paul@exemple.fr", "engagement": true]
        let api = guichet.browser()
        let created = try await api.json(.POST, "/api/v1/collectivites/caluire-et-cuire/demarches/subvention-association/demandes", ["data": data])
        XCTAssertEqual(created.status, .created, created.body)
        let body = try JSONSerialization.jsonObject(with: Data(created.body.utf8)) as! [String: Any]
        let followed = try await api.get("/api/v1/demandes/\(body["number"] as! String)", headers: ["X-Tracking-Code": body["tracking_code"] as! String])
        let stored = try XCTUnwrap((try JSONSerialization.jsonObject(with: Data(followed.body.utf8)) as? [String: Any])?["data"] as? [String: Any])
        XCTAssertEqual(stored["bureau"] as? [[String: String]], [["nom": "Paul Durand", "fonction": "president"], ["nom": "Léa Martin"]])
        data["bureau"] = [["fonction": "president"]]
        let refused = try await api.json(.POST, "/api/v1/collectivites/caluire-et-cuire/demarches/subvention-association/demandes", ["data": data])
        XCTAssertEqual(refused.status, .unprocessableEntity)
        XCTAssertTrue(refused.body.contains("Membre 1, « Nom et prénom »"), refused.body)
    }

    /// Files nothing refers to go after two days: a failed filing's, a crash's temporary file. Those of a request,
    /// of a draft and of an anonymous visitor's form in progress stay.
    func testOrphanFilesArePurgedAndNoOtherFile() async throws {
        let store = guichet.store
        let visitor = guichet.browser()
        try await visitor.get(Self.form)
        try await page(0, [("association", "Club"), ("rna", "W691234567"), ("adresse_siege.street", "1 rue A"),
                           ("adresse_siege.postcode", "69300"), ("adresse_siege.city", "Caluire")], visitor)
        try await page(1, [("objet", "equipement"), ("description", "Filets")], visitor)
        try await page(2, [("budget", "500"), ("montant", "100"), ("iban", "FR7630006000011234567890189")],
                       files: [("statuts", "statuts.pdf", Self.pdf)], visitor)
        let inProgress = try uploads()
        XCTAssertEqual(inProgress.count, 1, "the visitor's page kept its file")

        let citizen = try await XCTUnwrapAsync(try await store.citizenScope(slug: "caluire-et-cuire"))
        let demarche = try await XCTUnwrapAsync(try await store.currentDemarche(slug: "subvention-association", in: citizen))
        let account = try await XCTUnwrapAsync(try await store.account(email: "usager@demo.fr"))
        let drafted = StoredFile(id: UUID().uuidString.lowercased(), filename: "rib.pdf", contentType: "application/pdf", size: 3)
        try store.files.write(id: drafted.id, bytes: [1, 2, 3])
        try await store.saveDraft(accountID: account.id, demarcheID: demarche.id, values: [:], files: ["rib": [drafted]], in: citizen)
        let api = guichet.browser()
        let sent = try await api.json(.POST, "/api/v1/collectivites/caluire-et-cuire/demarches/signalement-espace-public/demandes", ["data": [
            "categorie": "tag", "description": "Tag", "adresse": ["street": "1 rue A", "postcode": "69300", "city": "Caluire-et-Cuire"],
            "nom": "X", "email": "x@exemple.fr", "consentement": true,
            "photo": [["filename": "photo.png", "content_base64": TenantIsolationProberTests.onePixelPNG]]]])
        XCTAssertEqual(sent.status, .created, sent.body)
        let filed = try await XCTUnwrapAsync(try await (guichet.app.db as! any SQLDatabase).raw("SELECT id FROM demande_files")
            .first(decodingColumn: "id", as: String.self))
        let orphan = UUID().uuidString.lowercased()
        try store.files.write(id: orphan, bytes: [9])  // a filing whose transaction then failed
        let crashed = store.files.root.appendingPathComponent(String(orphan.prefix(2))).appendingPathComponent(".\(orphan).dead.tmp")
        FileManager.default.createFile(atPath: crashed.path, contents: Data([0]))
        let before = try uploads()
        XCTAssertEqual(before.count, 5)

        let young = try await store.purgeOrphanFiles()
        XCTAssertEqual(young, 0, "nothing is that old yet")
        guichet.clock.advance(Store.orphanFileAge + 60)
        let removed = try await store.purgeOrphanFiles()
        XCTAssertEqual(removed, 2)
        let left = try uploads()
        XCTAssertEqual(left, before.subtracting([orphan, crashed.lastPathComponent]))
        XCTAssertTrue(left.isSuperset(of: inProgress.union([drafted.id, filed])))
    }

    func testAPageStoresOnlyItsOwnFiles() async throws {
        let visitor = guichet.browser()
        try await visitor.get(Self.form)
        let first = try await page(0, [("association", "Club"), ("rna", "W691234567"), ("adresse_siege.street", "1 rue A"),
                                       ("adresse_siege.postcode", "69300"), ("adresse_siege.city", "Caluire")],
                                   files: [("statuts", "statuts.pdf", Self.pdf), ("mandat", "mandat.pdf", Self.pdf)], visitor)
        XCTAssertEqual(first.location, Self.form + "?page=1")
        let stored = try uploads()
        XCTAssertEqual(stored, [], "files posted for the later pages' fields are not written")
    }

    /// The names of the files in the upload folder.
    func uploads() throws -> Set<String> {
        let root = guichet.store.files.root
        let folders = (try? FileManager.default.contentsOfDirectory(atPath: root.path)) ?? []
        return Set(try folders.flatMap { try FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent($0).path) })
    }
}
