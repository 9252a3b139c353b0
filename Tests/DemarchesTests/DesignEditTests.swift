import Demarches
import Foundation
import Testing
import Workflow

/// The designer's edits on a working copy: what each changes, and what each refuses.
@Suite struct DesignEditTests {
    let skeleton = DemarcheDefinition.skeleton(slug: "permis-de-vegetaliser", title: "Permis de végétaliser")

    @Test func aNewDemarcheStartsWithoutProblems() {
        #expect(skeleton.problems.isEmpty)
    }

    @Test func fieldsAreAddedWhereAskedMovedAndRemoved() throws {
        let quartier = Field(id: "quartier", label: "Quartier", type: .singleChoice, options: [Choice(value: "centre", label: "Centre")])
        var d = try skeleton.applying(.addField(quartier, after: "objet"))
        #expect(d.form.fields.map(\.id) == ["objet", "quartier", "email"])
        d = try d.applying(.moveField(id: "quartier", offset: -1))
        #expect(d.form.fields.map(\.id) == ["quartier", "objet", "email"])
        #expect(try d.applying(.moveField(id: "quartier", offset: -1)) == d, "the first field cannot go higher")
        d = try d.applying(.removeField(id: "objet"))
        #expect(d.form.fields.map(\.id) == ["quartier", "email"])
        #expect(d.form.logic.types["quartier"] != nil, "the form's logic follows the edit")
    }

    @Test func editsThatWouldBeAmbiguousAreRefused() {
        #expect(throws: DefinitionError(problems: ["Un autre champ a déjà l'identifiant « email »."])) {
            try skeleton.applying(.addField(Field(id: "email", label: "Autre", type: .text), after: nil))
        }
        #expect(throws: DefinitionError(problems: ["Un autre champ a déjà l'identifiant « email »."])) {
            try skeleton.applying(.replaceField(id: "objet", with: Field(id: "email", label: "Objet", type: .text)))
        }
        #expect(throws: DefinitionError(problems: ["Le champ « absent » n'existe pas."])) { try skeleton.applying(.removeField(id: "absent")) }
        #expect(throws: DefinitionError(problems: ["Le statut « recue » n'existe pas."])) {
            try skeleton.applying(.putStatus(id: "recue", Status(id: "renommee", label: "Reçue", colour: .blue)))
        }
    }

    /// A working copy may have problems while being designed; they are listed, and publishing waits for none.
    @Test func problemsAreAllowedWhileDesigningAndListed() throws {
        let later = Field(id: "precision", label: "Précision", type: .text, condition: "date_travaux > aujourdhui()")
        let d = try skeleton.applying(.addField(later, after: "objet"))
        #expect(!d.problems.isEmpty)
        let fixed = try d.applying(.addField(Field(id: "date_travaux", label: "Date des travaux", type: .date), after: "objet"))
        #expect(fixed.problems.isEmpty, "\(fixed.problems)")
    }

    @Test func removingAStatusTakesItsTransitionsAlong() throws {
        var d = try skeleton.applying(.putStatus(id: nil, Status(id: "refusee", label: "Refusée", colour: .red)))
        d = try d.applying(.putStatus(id: nil, Status(id: "attente", label: "En attente", colour: .orange)))
        d = try d.applying(.putTransition(id: nil, Transition(id: "refuser", label: "Refuser", from: ["recue"], to: "refusee", roles: ["accueil"])))
        d = try d.applying(.putTransition(id: nil, Transition(id: "attendre", label: "Attendre", from: ["recue"], to: "attente", roles: ["accueil"])))
        d = try d.applying(.putTransition(id: nil, Transition(id: "relancer", label: "Relancer", from: ["refusee", "attente"], to: "recue", roles: ["accueil"])))
        #expect(d.problems.isEmpty, "\(d.problems)")
        d = try d.applying(.removeStatus(id: "refusee"))
        #expect(d.workflow.transitions.map(\.id) == ["traiter", "attendre", "relancer"])
        #expect(d.workflow.transition("relancer")?.from == ["attente"])
        #expect(d.problems.isEmpty, "\(d.problems)")
    }

    @Test func globalActionsAndTheDeadlineAreSet() throws {
        let reminder = GlobalAction(id: "rappel", label: "Rappel", roles: ["accueil"],
                                    actions: [.email(to: .citizen, subject: "Rappel", body: "En cours.")])
        var d = try skeleton.applying(.putGlobalAction(id: nil, reminder))
        #expect(throws: DefinitionError(problems: ["Une autre action globale a déjà l'identifiant « rappel »."])) {
            try d.applying(.putGlobalAction(id: nil, reminder))
        }
        d = try d.applying(.setDeadline(LegalDeadline(delay: Delay(months: 2), silence: .rejet, status: "traitee")))
        #expect(d.problems.isEmpty, "\(d.problems)")
        d = try d.applying(.removeGlobalAction(id: "rappel")).applying(.setDeadline(nil))
        #expect(d.workflow.globalActions.isEmpty && d.workflow.deadline == nil)
    }
}
