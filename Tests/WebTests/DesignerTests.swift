import Demarches
import Foundation
import GuichetTestSupport
import Vapor
import Workflow
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
        XCTAssertEqual(checked.status, .ok, checked.body.components(separatedBy: "<li>").dropFirst().prefix(3).joined())
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
        XCTAssertTrue(tried.contains("Affectée au service « Vie associative »."), tried.body)
        XCTAssertTrue(tried.contains("Courriel aux agents du service « Vie associative »"))
        XCTAssertTrue(tried.contains("Délai légal armé : 2 mois"))
        XCTAssertTrue(tried.contains("<dd>Sport</dd>"), "answers from a data source show their label")
        let after = try await guichet.store.outboxCounts().pending
        XCTAssertEqual(after, before, "nothing is sent")
        let inbox = try await admin.get("/bo/caluire-et-cuire/demandes").text(id: "total")
        XCTAssertEqual(inbox, "Aucune demande", "nothing is filed")

        let agent = guichet.browser()
        _ = try await agent.signIn("agent@caluire-et-cuire.demo.fr", password: "Guichet-Demo-2026!")
        let refused = try await agent.get("/bo/caluire-et-cuire/demarches/subvention-association/essai").status
        XCTAssertEqual(refused, .notFound, "test-filling is for admins")
    }

    /// A commune admin designs a new démarche without writing JSON: fields added, configured, moved; a problem
    /// listed and publishing refused until fixed; a status and a transition added; then published online.
    func testANewDemarcheIsDesignedElementByElementThenPublished() async throws {
        let base = "/bo/caluire-et-cuire/demarches/permis-de-vegetaliser/conception"
        _ = try await admin.get("/bo/caluire-et-cuire/demarches/nouvelle")
        let badID = try await admin.post("/bo/caluire-et-cuire/demarches/nouvelle", [("titre", "Permis de végétaliser"), ("identifiant", "Permis !")])
        XCTAssertEqual(badID.status, .unprocessableEntity)
        XCTAssertTrue(badID.contains("En minuscules, chiffres et tirets"))
        let created = try await admin.post("/bo/caluire-et-cuire/demarches/nouvelle", [("titre", "Permis de végétaliser"), ("identifiant", "permis-de-vegetaliser")])
        XCTAssertEqual(created.location, base)
        var page = try await admin.get(base)
        XCTAssertTrue(page.contains("Aucun problème"))
        let listed = try await admin.get("/bo/caluire-et-cuire/demarches")
        XCTAssertTrue(listed.contains("En cours de conception"))
        func revision() -> String { page.body.components(separatedBy: "name=\"revision\" value=\"")[1].prefix { $0 != "\"" }.description }

        _ = try await admin.get("\(base)/champs/nouveau?type=single_choice&apres=objet")
        let badOptions = try await admin.post("\(base)/champs/nouveau", [
            ("revision", revision()), ("apres", "objet"), ("type", "single_choice"), ("libelle", "Type de végétalisation"),
            ("identifiant", "nature"), ("options", "pied;Pied d'arbre\n;Jardinière")])
        XCTAssertEqual(badOptions.status, .unprocessableEntity)
        XCTAssertTrue(badOptions.contains("Ligne 2 : attendu"), "the message stands next to the options")
        XCTAssertTrue(badOptions.contains("Pied d&#39;arbre"), "what was typed is kept")
        let added = try await admin.post("\(base)/champs/nouveau", [
            ("revision", revision()), ("apres", "objet"), ("type", "single_choice"), ("libelle", "Type de végétalisation"),
            ("identifiant", "nature"), ("obligatoire", "oui"), ("options", "pied;Pied d'arbre\nJardinière")])
        XCTAssertEqual(added.status, .seeOther, added.body)
        page = try await admin.get(base)
        let stale = try await admin.post("\(base)/champs/nature/deplacer", [("revision", "1"), ("sens", "haut")])
        XCTAssertEqual(stale.status, .seeOther)
        page = try await admin.get(base)
        XCTAssertTrue(page.contains("modifiée entre-temps"), "an edit from a stale page is refused")
        _ = try await admin.post("\(base)/champs/nature/deplacer", [("revision", revision()), ("sens", "haut")])
        page = try await admin.get(base)
        _ = try await admin.post("\(base)/champs/nouveau", [
            ("revision", revision()), ("apres", "email"), ("type", "text"), ("libelle", "Précision"), ("identifiant", "precision"),
            ("condition", "surface > 2")])
        page = try await admin.get(base)
        XCTAssertTrue(page.contains("À corriger avant de publier"))
        XCTAssertTrue(page.contains("surface"), page.body)
        _ = try await admin.post("\(base)/publication", [("revision", revision()), ("en_ligne", "oui")])
        page = try await admin.get(base)
        XCTAssertTrue(page.contains("Publication impossible"))
        let notYet = try await guichet.browser().get("/c/caluire-et-cuire/demarches/permis-de-vegetaliser").status
        XCTAssertEqual(notYet, .notFound)
        _ = try await admin.post("\(base)/champs/precision", [
            ("revision", revision()), ("type", "text"), ("libelle", "Précision"), ("identifiant", "precision"), ("condition", "nature == \"pied\"")])
        page = try await admin.get(base)
        XCTAssertTrue(page.contains("Aucun problème"), page.body)

        // A block names its items: « Ajouter une jardinière ».
        let block = try await admin.post("\(base)/champs/nouveau", [
            ("revision", revision()), ("apres", "precision"), ("type", "block"), ("libelle", "Jardinières"), ("identifiant", "jardinieres"),
            ("questions", "emplacement;text;Emplacement;oui"), ("nom_element", "jardinière"), ("element_feminin", "oui")])
        XCTAssertEqual(block.status, .seeOther, block.body)
        let scope = try await XCTUnwrapAsync(try await guichet.store.operatorScope(slug: "caluire-et-cuire"))
        let designed = try await guichet.store.workingCopy(slug: "permis-de-vegetaliser", in: scope)
        let jardinieres = try XCTUnwrap(designed?.definition.form.fields.first { $0.id == "jardinieres" })
        XCTAssertEqual(jardinieres.addItemLabel, "Ajouter une jardinière")
        let editor = try await admin.get("\(base)/champs/jardinieres")
        XCTAssertTrue(editor.contains("value=\"jardinière\"") && editor.contains("name=\"element_feminin\" value=\"oui\" checked"))
        page = try await admin.get(base)

        // A decision only on an end status.
        let notEnd = try await admin.post("\(base)/statuts/nouveau", [("revision", revision()), ("identifiant", "refusee"), ("libelle", "Refusée"),
                                                                       ("couleur", "red"), ("visible", "oui"), ("decision", "refus"), ("actions", "[]")])
        XCTAssertEqual(notEnd.status, .unprocessableEntity)
        XCTAssertTrue(notEnd.contains("Seul un statut de fin porte une décision"))
        _ = try await admin.post("\(base)/statuts/nouveau", [("revision", revision()), ("identifiant", "refusee"), ("libelle", "Refusée"),
                                                             ("couleur", "red"), ("fin", "oui"), ("visible", "oui"), ("decision", "refus"), ("actions", "[]")])
        let refusal = try await admin.get("\(base)/statuts/refusee")
        XCTAssertTrue(refusal.contains("<option value=\"refus\" selected>Refus</option>"), "the decision is kept")
        page = try await admin.get(base)
        let noRole = try await admin.post("\(base)/transitions/nouvelle", [
            ("revision", revision()), ("identifiant", "refuser"), ("libelle", "Refuser"), ("depuis", "recue"), ("vers", "refusee"),
            ("declenchement", "manual"), ("roles", ""), ("actions", "[]")])
        XCTAssertEqual(noRole.status, .unprocessableEntity)
        XCTAssertTrue(noRole.contains("Cochez au moins un rôle"))
        // A role the collectivité does not have is shown as such and blocks publishing: no agent would see the button.
        let newTransition = try await admin.get("\(base)/transitions/nouvelle")
        XCTAssertTrue(newTransition.contains("<input type=\"checkbox\" id=\"role-vie-associative\" name=\"roles\" value=\"vie-associative\">"), "roles are ticked from the list")
        _ = try await admin.post("\(base)/transitions/nouvelle", [
            ("revision", revision()), ("identifiant", "refuser"), ("libelle", "Refuser"), ("depuis", "recue"), ("vers", "refusee"),
            ("declenchement", "manual"), ("roles", "accueil"), ("roles", "espaces verts"), ("avis", "oui"), ("actions", "[]")])
        page = try await admin.get(base)
        XCTAssertTrue(page.contains("Le rôle « espaces verts » n&#39;existe pas dans cette collectivité"), page.body)
        let edit = try await admin.get("\(base)/transitions/refuser")
        XCTAssertTrue(edit.contains("espaces verts (n&#39;existe pas dans la collectivité)"))
        _ = try await admin.post("\(base)/publication", [("revision", revision()), ("en_ligne", "oui")])
        let refusedPublication = try await guichet.browser().get("/c/caluire-et-cuire/demarches/permis-de-vegetaliser").status
        XCTAssertEqual(refusedPublication, .notFound, "not published with an unknown role")
        page = try await admin.get(base)
        _ = try await admin.post("\(base)/transitions/refuser", [
            ("revision", revision()), ("libelle", "Refuser"), ("depuis", "recue"), ("vers", "refusee"),
            ("declenchement", "manual"), ("roles", "accueil"), ("avis", "oui"), ("actions", "[]")])
        page = try await admin.get(base)
        XCTAssertTrue(page.contains("Refuser"))
        XCTAssertTrue(page.contains("Aucun problème"), page.body)

        let trial = try await admin.get("/bo/caluire-et-cuire/demarches/permis-de-vegetaliser/essai?copie=oui")
        XCTAssertEqual(trial.status, .ok)
        XCTAssertTrue(trial.contains("copie de travail"))
        let published = try await admin.post("\(base)/publication", [("revision", revision()), ("en_ligne", "oui")])
        XCTAssertEqual(published.location, "/bo/caluire-et-cuire/demarches/permis-de-vegetaliser")
        let form = try await guichet.browser().get("/c/caluire-et-cuire/demarches/permis-de-vegetaliser")
        XCTAssertEqual(form.status, .ok)
        let nature = try XCTUnwrap(form.body.range(of: "Type de végétalisation")), objet = try XCTUnwrap(form.body.range(of: "Objet de votre demande"))
        XCTAssertLessThan(nature.lowerBound, objet.lowerBound, "the fields come in the designed order")
        let after = try await admin.get("/bo/caluire-et-cuire/demarches")
        XCTAssertFalse(after.contains("En cours de conception"), "the copy is gone once published")
        let agent = guichet.browser()
        _ = try await agent.signIn("agent@caluire-et-cuire.demo.fr", password: "Guichet-Demo-2026!")
        let forbidden = try await agent.get(base).status
        XCTAssertEqual(forbidden, .forbidden)
    }

    /// Looking at the designer changes nothing; the first edit makes a working copy of the current version, which
    /// the démarche's page then offers to resume; publishing it makes version 2.
    func testDesigningAPublishedDemarcheStartsFromItsCurrentVersion() async throws {
        let scope = try await XCTUnwrapAsync(try await guichet.store.operatorScope(slug: "caluire-et-cuire"))
        let design = "/bo/caluire-et-cuire/demarches/acte-etat-civil/conception"
        let fresh = try await admin.get(design)
        XCTAssertTrue(fresh.contains("votre première modification crée une copie de travail"))
        let none = try await guichet.store.workingCopy(slug: "acte-etat-civil", in: scope)
        XCTAssertNil(none, "looking at the designer writes nothing")
        _ = try await admin.get("\(design)/champs/exemplaires")
        let edited = try await admin.post("\(design)/champs/exemplaires", [
            ("revision", "0"), ("type", "number"), ("libelle", "Nombre de copies"), ("identifiant", "exemplaires"), ("obligatoire", "oui"),
            ("min", "1"), ("max", "dix"), ("entier", "oui")])
        XCTAssertEqual(edited.status, .unprocessableEntity)
        XCTAssertTrue(edited.contains("Un nombre, par exemple 12 ou 12,5."), "the message stands next to the maximum")
        _ = try await admin.post("\(design)/champs/exemplaires", [
            ("revision", "0"), ("type", "number"), ("libelle", "Nombre de copies"), ("identifiant", "exemplaires"), ("obligatoire", "oui"),
            ("min", "1"), ("max", "10"), ("entier", "oui")])
        let copy = try await guichet.store.workingCopy(slug: "acte-etat-civil", in: scope)
        XCTAssertEqual(copy?.basedOnVersion, 1)
        XCTAssertEqual(copy?.definition.form.fields.first { $0.id == "exemplaires" }?.max, 10)
        let page = try await admin.get("/bo/caluire-et-cuire/demarches/acte-etat-civil")
        XCTAssertTrue(page.contains("Reprendre la conception"))
        let stillV1 = try await guichet.browser().get("/c/caluire-et-cuire/demarches/acte-etat-civil")
        XCTAssertFalse(stillV1.contains("Nombre de copies"), "citizens see nothing before publication")
        _ = try await admin.get(design)
        _ = try await admin.post("\(design)/publication", [("revision", "1"), ("en_ligne", "oui")])
        let v2 = try await guichet.browser().get("/c/caluire-et-cuire/demarches/acte-etat-civil")
        XCTAssertTrue(v2.contains("Nombre de copies"))
        let diff = try await admin.get("/bo/caluire-et-cuire/demarches/acte-etat-civil/versions/2")
        XCTAssertTrue(diff.contains("Champ modifié : « Nombre de copies » (libellé, maximum)."), diff.body)
    }

    /// A question may be filled from FranceConnect's identité pivot: the designer offers only the pieces its type can
    /// receive, refuses a mismatched one with a message, and keeps the choice on the field.
    func testAQuestionIsMarkedAsFilledFromFranceConnect() async throws {
        let scope = try await XCTUnwrapAsync(try await guichet.store.operatorScope(slug: "caluire-et-cuire"))
        let design = "/bo/caluire-et-cuire/demarches/acte-etat-civil/conception"
        let dateEditor = try await admin.get("\(design)/champs/date_evenement")
        XCTAssertTrue(dateEditor.contains("<option value=\"date_de_naissance\">Date de naissance</option>"))
        XCTAssertFalse(dateEditor.contains("value=\"prenoms\""), "a date cannot receive the given names")
        let mismatched = try await admin.post("\(design)/champs/date_evenement", [
            ("revision", "0"), ("type", "date"), ("libelle", "Date de naissance"), ("identifiant", "date_evenement"), ("identite", "prenoms")])
        XCTAssertEqual(mismatched.status, .unprocessableEntity)
        XCTAssertTrue(mismatched.contains("Choisissez une donnée de l&#39;identité qui convient à un champ « Date »."), mismatched.body)
        let untouched = try await guichet.store.workingCopy(slug: "acte-etat-civil", in: scope)
        XCTAssertNil(untouched, "a refused field changes nothing")
        let saved = try await admin.post("\(design)/champs/titulaire_prenoms", [
            ("revision", "0"), ("type", "text"), ("libelle", "Prénoms du titulaire"), ("identifiant", "titulaire_prenoms"), ("identite", "prenoms")])
        XCTAssertEqual(saved.status, .seeOther, saved.body)
        let copy = try await guichet.store.workingCopy(slug: "acte-etat-civil", in: scope)
        XCTAssertEqual(copy?.definition.form.fields.first { $0.id == "titulaire_prenoms" }?.identity, .givenName)
        let editor = try await admin.get("\(design)/champs/titulaire_prenoms")
        XCTAssertTrue(editor.contains("<option value=\"prenoms\" selected>Prénoms</option>"), "the choice is shown back")
        let longText = try await admin.get("\(design)/champs/nouveau?type=long_text")
        XCTAssertFalse(longText.contains("name=\"identite\""), "a long text receives no piece of the identity")
    }

    /// The legal deadline and global actions are designed too; a bad duration or action list is refused with a
    /// message, changing nothing.
    func testTheDeadlineAndGlobalActionsAreDesigned() async throws {
        let design = "/bo/caluire-et-cuire/demarches/acte-etat-civil/conception"
        _ = try await admin.get(design)
        _ = try await admin.post("\(design)/delai", [("revision", "0"), ("delai_legal", "deux"), ("unite", "months"), ("silence", "accord"),
                                                      ("statut_final", "envoye")])
        var page = try await admin.get(design)
        XCTAssertTrue(page.contains("Délai légal non enregistré"))
        let scope = try await XCTUnwrapAsync(try await guichet.store.operatorScope(slug: "caluire-et-cuire"))
        let untouched = try await guichet.store.workingCopy(slug: "acte-etat-civil", in: scope)
        XCTAssertNil(untouched, "a refused deadline writes nothing")
        let current = try await authored("acte-etat-civil")
        let end = try XCTUnwrap(current.workflow.statuses.first(where: \.isEnd)).id
        _ = try await admin.post("\(design)/delai", [("revision", "0"), ("delai_legal", "2"), ("unite", "months"), ("silence", "accord"),
                                                      ("statut_final", end)])
        var copy = try await guichet.store.workingCopy(slug: "acte-etat-civil", in: scope)
        XCTAssertEqual(copy?.definition.workflow.deadline, LegalDeadline(delay: Delay(months: 2), silence: .accord, status: end))

        _ = try await admin.get("\(design)/actions/nouvelle")
        let created = try await admin.post("\(design)/actions/nouvelle", [("revision", "1"), ("identifiant", "rappel"), ("libelle", "Envoyer un rappel"),
                                                                            ("roles", "etat-civil")])
        XCTAssertEqual(created.status, .seeOther)
        let editor = try await admin.get("\(design)/actions/rappel")
        XCTAssertTrue(editor.contains("Aucune action."))
        _ = try await admin.get("\(design)/actions/rappel/action/nouvelle?type=email")
        let bad = try await admin.post("\(design)/actions/rappel/action/nouvelle", [
            ("revision", "2"), ("type", "email"), ("destinataire", "citizen"), ("objet", ""), ("texte", "Votre demande {{ numero_demande }} est en cours.")])
        XCTAssertEqual(bad.status, .unprocessableEntity)
        XCTAssertTrue(bad.contains("L&#39;objet est obligatoire."), "the message stands next to the subject")
        XCTAssertTrue(bad.contains("Votre demande {{ numero_demande }} est en cours."), "what was typed is kept")
        let added = try await admin.post("\(design)/actions/rappel/action/nouvelle", [
            ("revision", "2"), ("type", "email"), ("destinataire", "citizen"), ("objet", "Rappel"), ("texte", "Votre demande {{ numero_demande }} est en cours.")])
        XCTAssertEqual(added.location, "\(design)/actions/rappel#actions")
        _ = try await admin.post("\(design)/actions/rappel/action/nouvelle", [
            ("revision", "3"), ("type", "set"), ("champ", "relance"), ("expression", "aujourdhui()"), ("libelle", "Date de relance")])
        _ = try await admin.post("\(design)/actions/rappel/action/1/deplacer", [("revision", "4"), ("sens", "haut")])
        copy = try await guichet.store.workingCopy(slug: "acte-etat-civil", in: scope)
        XCTAssertEqual(copy?.definition.workflow.globalActions.map(\.label), ["Envoyer un rappel"])
        XCTAssertEqual(copy?.definition.workflow.actions(of: .globalAction("rappel")),
                       [.set(field: "relance", expression: "aujourdhui()", label: "Date de relance"),
                        .email(to: .citizen, subject: "Rappel", body: "Votre demande {{ numero_demande }} est en cours.")])
        let list = try await admin.get("\(design)/actions/rappel")
        XCTAssertTrue(list.contains("Champ de suivi « Date de relance » = aujourdhui()") && list.contains("Courriel à l&#39;usager : « Rappel »"))
        page = try await admin.get(design)
        XCTAssertTrue(page.contains("Envoyer un rappel"))
        XCTAssertTrue(page.contains("Aucun problème"), page.body)
    }

    func testRemovalsAndAbandoningAreConfirmedAndSayWhatGoesWithThem() async throws {
        let admin = guichet.browser()
        try await admin.signIn("admin@caluire-et-cuire.demo.fr", password: "Guichet-Demo-2026!")
        let base = "/bo/caluire-et-cuire/demarches/signalement-espace-public/conception"
        var page = try await admin.get(base)
        func revision() -> String { page.body.firstMatch(of: /name="revision" value="(\d+)"/).map { String($0.1) } ?? "" }
        let asked = try await admin.post("\(base)/statuts/en_cours/suppression", [("revision", revision())])
        XCTAssertEqual(asked.status, .ok)
        XCTAssertTrue(asked.contains("Supprimer le statut « En cours de traitement » ?"))
        XCTAssertTrue(asked.contains("La transition « Prendre en charge », qui y mène, est supprimée aussi."))
        page = try await admin.get(base)
        XCTAssertTrue(page.contains("En cours de traitement"), "nothing removed before the confirmation")
        _ = try await admin.post("\(base)/statuts/en_cours/suppression", [("revision", revision()), ("confirmer", "oui")])
        page = try await admin.get(base)
        XCTAssertFalse(page.contains("Prendre en charge"), "removed with its transitions once confirmed")

        let abandon = try await admin.post("\(base)/abandon", [])
        XCTAssertTrue(abandon.contains("Abandonner les modifications ?") && abandon.contains("la version publiée reste telle quelle"))
        page = try await admin.get(base)
        XCTAssertFalse(page.contains("Prendre en charge"), "the copy is still there")
        _ = try await admin.post("\(base)/abandon", [("confirmer", "oui")])
        page = try await admin.get(base)
        XCTAssertTrue(page.contains("Prendre en charge"), "a new copy from the published version")
    }
}
