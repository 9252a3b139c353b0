import Demarches
import Foundation
import Testing

@Suite struct IdentityFieldTests {
    let form = FormDefinition(fields: [
        Field(id: "prenoms", label: "Prénoms", type: .text, required: true, identity: .givenName),
        Field(id: "naissance", label: "Date de naissance", type: .date, identity: .birthdate),
        Field(id: "ville", label: "Commune de naissance", type: .text, identity: .birthplace),
        Field(id: "motif", label: "Motif", type: .text),
    ])
    let identity: [IdentityField: String] = [.givenName: "Angela Claire Louise", .birthdate: "1962-08-24", .birthplace: ""]

    @Test func theVerifiedIdentityWinsOverWhatWasTyped() {
        let typed = ["prenoms": ["Autre"], "naissance": ["2001-01-01"], "ville": ["69123"], "motif": ["x"]]
        let values = form.withIdentity(typed, identity)
        #expect(values["prenoms"] == ["Angela Claire Louise"] && values["naissance"] == ["1962-08-24"])
        #expect(values["ville"] == ["69123"], "an empty piece (a birth abroad) fills nothing")
        #expect(values["motif"] == ["x"])
        #expect(form.withIdentity(typed, [:]) == typed, "without a verified identity, nothing changes")
        #expect(form.identityFieldIDs(identity) == ["prenoms", "naissance"])
    }

    @Test func aQuestionTakesItsPieceOnlyInTheRightType() throws {
        var wrong = form
        wrong.fields[1].type = .text
        #expect(FormCheck.problems(in: wrong).contains { $0.contains("doit être de type date pour recevoir « date de naissance »") })
        #expect(!FormCheck.problems(in: form).contains { $0.contains("FranceConnect") })
        let json = #"{"id": "p", "label": "Prénoms", "type": "text", "identity": "prenoms"}"#
        #expect(try JSONDecoder().decode(Field.self, from: Data(json.utf8)).identity == .givenName)
        let again = try JSONDecoder().decode(Field.self, from: try JSONEncoder().encode(form.fields[0]))
        #expect(again.identity == .givenName)
    }
}
