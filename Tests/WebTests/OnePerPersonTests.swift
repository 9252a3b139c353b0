import Demarches
import Foundation
import GuichetTestSupport
import Storage
import Vapor
import XCTest

/// « Une demande par personne »: the démarche asks for an account, then refuses a second request — while the
/// first is open, or for good — on the portal and the API alike.
final class OnePerPersonTests: XCTestCase {
    var guichet: TestGuichet!
    override func setUp() async throws { guichet = try await TestGuichet.make() }
    override func tearDown() async throws { try await guichet.shutdown() }

    func publish(_ limit: OnePerPerson) async throws {
        let scope = try await XCTUnwrapAsync(try await guichet.store.operatorScope(slug: "caluire-et-cuire"))
        let definition = try DemarcheDefinition.parse(json: Data("""
            {"slug": "jardin-partage", "title": "Parcelle de jardin partagé", "summary": "Test", "onePerPerson": "\(limit.rawValue)",
             "form": {"fields": [{"id": "motivation", "label": "Motivation", "type": "text", "required": true}]},
             "workflow": {"initialStatus": "recue", "statuses": [
                {"id": "recue", "label": "Reçue", "colour": "blue"}, {"id": "attribuee", "label": "Attribuée", "colour": "green", "isEnd": true}],
              "transitions": [{"id": "attribuer", "label": "Attribuer", "from": ["recue"], "to": "attribuee", "roles": ["accueil"]}]}}
            """.utf8)).get()
        try await guichet.store.publish(definition, in: scope)
    }

    func testOneAtATimeAsksForAnAccountAndWaitsForTheFirstToClose() async throws {
        try await publish(.whileOpen)
        let path = "/c/caluire-et-cuire/demarches/jardin-partage"
        let anonymous = try await guichet.browser().get(path)
        XCTAssertTrue(anonymous.contains("connectez-vous à votre compte"))
        XCTAssertTrue(anonymous.contains("/compte/connexion?retour=%2Fc%2Fcaluire%2Det%2Dcuire%2Fdemarches%2Fjardin%2Dpartage"))
        let api = try await guichet.browser().json(.POST, "/api/v1/collectivites/caluire-et-cuire/demarches/jardin-partage/demandes",
                                                   ["data": ["motivation": "Cultiver"]])
        XCTAssertEqual(api.status, .unauthorized, api.body)

        let citizen = guichet.browser()
        _ = try await citizen.signIn("usager@demo.fr", password: "Guichet-Demo-2026!")
        _ = try await citizen.get(path)
        let filed = try await citizen.postMultipart(path, [("motivation", "Cultiver des tomates")])
        XCTAssertEqual(filed.status, .seeOther, filed.body)
        let number = try XCTUnwrap(filed.location?.split(separator: "/").dropLast().last.map(String.init))
        let again = try await citizen.get(path)
        XCTAssertEqual(again.status, .forbidden)
        XCTAssertTrue(again.contains("Vous avez déjà une demande en cours pour cette démarche (\(number))"), again.body)
        let forced = try await citizen.postMultipart(path, [("motivation", "Encore")])
        XCTAssertEqual(forced.status, .forbidden, "posting anyway files nothing")
        let inbox = try await XCTUnwrapAsync(try await guichet.store.operatorScope(slug: "caluire-et-cuire"))
        var query = InboxQuery()
        query.demarcheSlug = "jardin-partage"
        let count = try await guichet.store.inbox(query, in: inbox).total
        XCTAssertEqual(count, 1)

        _ = try await guichet.store.transition(number: number, transitionID: "attribuer", in: inbox, actor: .agent("a", name: "Camille"))
        let reopened = try await citizen.get(path)
        XCTAssertEqual(reopened.status, .ok, "once the first is closed, another may be filed")
    }

    func testOnceMeansOnceEvenWhenTheFirstIsClosed() async throws {
        try await publish(.once)
        let path = "/c/caluire-et-cuire/demarches/jardin-partage"
        let citizen = guichet.browser()
        _ = try await citizen.signIn("usager@demo.fr", password: "Guichet-Demo-2026!")
        _ = try await citizen.get(path)
        let filed = try await citizen.postMultipart(path, [("motivation", "Cultiver des tomates")])
        let number = try XCTUnwrap(filed.location?.split(separator: "/").dropLast().last.map(String.init))
        let scope = try await XCTUnwrapAsync(try await guichet.store.operatorScope(slug: "caluire-et-cuire"))
        _ = try await guichet.store.transition(number: number, transitionID: "attribuer", in: scope, actor: .agent("a", name: "Camille"))
        let again = try await citizen.get(path)
        XCTAssertEqual(again.status, .forbidden)
        XCTAssertTrue(again.contains("vous l&#39;avez déjà faite : demande \(number)"), again.body)
    }
}
