import Demarches
import Foundation
import GuichetApp
import GuichetTestSupport
import Storage
import Vapor
import Workflow
import XCTest

/// A collectivité's admins manage its agents from the back-office: invite by e-mail, change roles, disable (the
/// agent's sessions and tokens end at once), every action journaled; the Métropole's admins give a commune its
/// first admin. Another collectivité's admins, agents and citizens can do none of it.
final class AgentAdministrationTests: XCTestCase {
    var guichet: TestGuichet!
    override func setUp() async throws { guichet = try await TestGuichet.make() }
    override func tearDown() async throws { try await guichet.shutdown() }

    let password = "Guichet-Demo-2026!"

    func signedIn(_ email: String, password: String = "Guichet-Demo-2026!") async throws -> Browser {
        let browser = guichet.browser()
        let page = try await browser.signIn(email, password: password)
        XCTAssertEqual(page.status, .seeOther, "\(email): \(page.body.prefix(300))")
        return browser
    }

    func invitationPath(to email: String) async throws -> String {
        let outbox = try await guichet.outbox()
        let mail = try XCTUnwrap(outbox.last { $0.to == email })
        let match = try XCTUnwrap(mail.text.firstMatch(of: /http:\/\/127\.0\.0\.1:8080(\/compte\/nouveau-mot-de-passe\?jeton=[A-Za-z0-9_-]+)/))
        return String(match.1)
    }

    func accountID(_ email: String) async throws -> String { try await XCTUnwrapAsync(try await guichet.store.account(email: email)).id }

    func testAnAdminInvitesAnAgentWhoChoosesAPasswordAndWorks() async throws {
        let admin = try await signedIn("admin@caluire-et-cuire.demo.fr")
        let page = try await admin.get("/bo/caluire-et-cuire/agents")
        XCTAssertEqual(page.status, .ok)
        XCTAssertTrue(page.contains("agent@caluire-et-cuire.demo.fr"))
        XCTAssertFalse(page.contains("agent@bron.demo.fr"), "another collectivité's agents are not listed")

        let invalid = try await admin.post("/bo/caluire-et-cuire/agents/inviter", [("email", "pas une adresse"), ("nom", "X")])
        XCTAssertEqual(invalid.status, .unprocessableEntity)
        XCTAssertTrue(invalid.contains("Saisissez une adresse e-mail valide"))
        XCTAssertTrue(invalid.contains("Cochez au moins un rôle."))
        let invalidAccount = try await guichet.store.account(email: "pas une adresse")
        XCTAssertNil(invalidAccount, "a refused invitation changes nothing")

        let sent = try await admin.post("/bo/caluire-et-cuire/agents/inviter", [("email", "Lou.Martin@Caluire.fr"), ("nom", "Lou Martin"), ("roles", "accueil"), ("roles", "etat-civil")])
        XCTAssertEqual(sent.status, .seeOther)
        let listed = try await admin.get("/bo/caluire-et-cuire/agents")
        XCTAssertTrue(listed.contains("lou.martin@caluire.fr"))
        XCTAssertTrue(listed.contains("invitation en attente"))
        XCTAssertTrue(listed.contains("Invité avec les rôles : accueil, etat-civil"), "the journal says who did what")
        XCTAssertTrue(listed.contains("Alex Admin (Caluire-et-Cuire)"))

        // Before choosing a password the account cannot sign in, whatever is typed.
        let empty = try await guichet.browser().signIn("lou.martin@caluire.fr", password: "")
        XCTAssertEqual(empty.status, .unauthorized)

        let invited = guichet.browser()
        let path = try await invitationPath(to: "lou.martin@caluire.fr")
        try await invited.get(path)
        let token = String(path.split(separator: "=").last ?? "")
        let chosen = try await invited.post("/compte/nouveau-mot-de-passe", [("jeton", token), ("password", "Accueil-Caluire-2027")])
        XCTAssertEqual(chosen.status, .seeOther)
        let first = try await invited.get("/bo/caluire-et-cuire/demandes")
        XCTAssertEqual(first.location, "/compte/double-authentification?retour=/bo/caluire-et-cuire/demandes", "an agent sets up a second factor first")
        let setup = try await invited.get("/compte/double-authentification")
        XCTAssertTrue(setup.contains("obligatoire pour les agents"))
        let (_, codes) = try await invited.setUpSecondFactor()
        XCTAssertEqual(codes.body.matches(of: /<li><code>[A-Z2-9]{5}-[A-Z2-9]{5}<\/code><\/li>/).count, 10, "ten recovery codes, shown once")
        let inbox = try await invited.get("/bo/caluire-et-cuire/demandes")
        XCTAssertEqual(inbox.status, .ok, "the invited agent works with their roles at once")
        let other = guichet.browser()
        try await other.get(path)
        let reused = try await other.post("/compte/nouveau-mot-de-passe", [("jeton", token), ("password", "Autre-Secret-2027")])
        XCTAssertEqual(reused.status, .notFound, "the link works once")
    }

    func testRolesChangeAndTheLastAdminStays() async throws {
        let admin = try await signedIn("admin@caluire-et-cuire.demo.fr")
        let agentID = try await accountID("agent@caluire-et-cuire.demo.fr")
        try await admin.get("/bo/caluire-et-cuire/agents")
        let changed = try await admin.post("/bo/caluire-et-cuire/agents/\(agentID)/roles", [("roles", "accueil")])
        XCTAssertEqual(changed.status, .seeOther)
        let scope = try await XCTUnwrapAsync(try await guichet.agentScope("agent@caluire-et-cuire.demo.fr", "caluire-et-cuire"))
        XCTAssertEqual(scope.roles(on: try DemoCatalogueWorkflow.subsidy()), ["accueil"])

        let adminID = try await accountID("admin@caluire-et-cuire.demo.fr")
        _ = try await admin.post("/bo/caluire-et-cuire/agents/\(adminID)/roles", [("roles", "accueil")])
        let stillAdmin = try await XCTUnwrapAsync(try await guichet.agentScope("admin@caluire-et-cuire.demo.fr", "caluire-et-cuire"))
        XCTAssertTrue(stillAdmin.isAdmin, "the collectivité's only admin cannot remove their own admin role")
        let flash = try await admin.get("/bo/caluire-et-cuire/agents")
        XCTAssertTrue(flash.contains("aucun administrateur"), flash.body)

        let none = try await admin.post("/bo/caluire-et-cuire/agents/\(agentID)/roles", [])
        XCTAssertEqual(none.status, .seeOther)
        let kept = try await XCTUnwrapAsync(try await guichet.agentScope("agent@caluire-et-cuire.demo.fr", "caluire-et-cuire"))
        XCTAssertEqual(kept.roles(on: try DemoCatalogueWorkflow.subsidy()), ["accueil"], "no role at all is refused: that is « Désactiver »")
        let told = try await admin.get("/bo/caluire-et-cuire/agents")
        XCTAssertTrue(told.contains("Un agent garde au moins un rôle"), told.body)
    }

    func testADisabledAgentsSessionsAndTokensEndAtOnce() async throws {
        let agent = try await signedIn("agent@caluire-et-cuire.demo.fr")
        try await agent.get("/bo/caluire-et-cuire/jetons")
        let tokenPage = try await agent.post("/bo/caluire-et-cuire/jetons", [("libelle", "Connecteur")])
        let token = try XCTUnwrap(tokenPage.text(id: "jeton"))
        let api = try await guichet.browser().get("/api/v1/agent/demandes", headers: ["Authorization": "Bearer \(token)"])
        XCTAssertEqual(api.status, .ok)

        let admin = try await signedIn("admin@caluire-et-cuire.demo.fr")
        try await admin.get("/bo/caluire-et-cuire/agents")
        let agentID = try await accountID("agent@caluire-et-cuire.demo.fr")
        let disabled = try await admin.post("/bo/caluire-et-cuire/agents/\(agentID)/desactiver", [])
        XCTAssertEqual(disabled.status, .seeOther)

        let after = try await agent.get("/bo/caluire-et-cuire/demandes")
        XCTAssertEqual(after.status, .seeOther, "the open session is over")
        XCTAssertTrue(after.location?.hasPrefix("/compte/connexion") ?? false)
        let tokenAfter = try await guichet.browser().get("/api/v1/agent/demandes", headers: ["Authorization": "Bearer \(token)"])
        XCTAssertEqual(tokenAfter.status, .unauthorized, "the API token is dead")
        let again = try await guichet.browser().signIn("agent@caluire-et-cuire.demo.fr", password: password)
        XCTAssertEqual(again.status, .forbidden)
        XCTAssertTrue(again.contains("Ce compte est désactivé"))
        let journal = try await admin.get("/bo/caluire-et-cuire/agents")
        XCTAssertTrue(journal.contains("Désactivé (rôles retirés : accueil, domaine-public, etat-civil, services-techniques, vie-associative)"), journal.body)
    }

    func testNoOneElseManagesTheAgents() async throws {
        let agent = try await signedIn("agent@caluire-et-cuire.demo.fr")
        let forbidden = try await agent.get("/bo/caluire-et-cuire/agents")
        XCTAssertEqual(forbidden.status, .forbidden, "an agent who is not admin")
        let inbox = try await agent.get("/bo/caluire-et-cuire/demandes")
        XCTAssertFalse(inbox.contains("/agents\""), "and no tab to it")
        let agentID = try await accountID("agent@caluire-et-cuire.demo.fr")
        let notTheirs = try await agent.post("/bo/caluire-et-cuire/agents/\(agentID)/desactiver", [])
        XCTAssertEqual(notTheirs.status, .forbidden)

        let admin = try await signedIn("admin@caluire-et-cuire.demo.fr")
        try await admin.get("/bo/caluire-et-cuire/agents")
        let bronAgent = try await accountID("agent@bron.demo.fr")
        let elsewhere = try await admin.post("/bo/bron/agents/\(bronAgent)/desactiver", [])
        XCTAssertEqual(elsewhere.status, .forbidden, "another collectivité's admin")
        let fromHere = try await admin.post("/bo/caluire-et-cuire/agents/\(bronAgent)/desactiver", [])
        XCTAssertEqual(fromHere.status, .notFound, "an agent of another collectivité, through one's own")
        let bronScope = try await guichet.agentScope("agent@bron.demo.fr", "bron")
        XCTAssertNotNil(bronScope, "Bron's agent still works")

        let citizen = try await signedIn("usager@demo.fr")
        let page = try await citizen.get("/bo/caluire-et-cuire/agents")
        XCTAssertEqual(page.status, .forbidden)
        let anonymous = try await guichet.browser().get("/bo/caluire-et-cuire/agents")
        XCTAssertEqual(anonymous.status, .seeOther)

        // In the store too: a commune's admin scope reaches no other collectivité's agents.
        let caluire = try await XCTUnwrapAsync(try await guichet.agentScope("admin@caluire-et-cuire.demo.fr", "caluire-et-cuire"))
        do { _ = try await guichet.store.agents(of: "bron", in: caluire); XCTFail("listed Bron's agents") } catch StoreError.forbidden {}
        do {
            _ = try await guichet.store.inviteAgent(email: "x@bron.fr", name: "X", roles: ["admin"], to: "bron", in: caluire, author: "Alex", mail: nil)
            XCTFail("a commune's admin made another commune's admin")
        } catch StoreError.forbidden {}
    }

    func testTheMetropoleGivesACommuneItsFirstAdminAndNothingMore() async throws {
        let metropole = try await signedIn("admin@metropole.demo.fr")
        let page = try await metropole.get("/bo/metropole/agents")
        XCTAssertTrue(page.contains("Bron — aucun administrateur"), page.body)
        let sent = try await metropole.post("/bo/metropole/agents/premier-admin", [("commune", "bron"), ("email", "dgs@bron.fr")])
        XCTAssertEqual(sent.status, .seeOther)
        let path = try await invitationPath(to: "dgs@bron.fr")
        let invited = guichet.browser()
        try await invited.get(path)
        _ = try await invited.post("/compte/nouveau-mot-de-passe", [("jeton", String(path.split(separator: "=").last ?? "")), ("password", "Bron-Admin-2027!")])
        _ = try await invited.setUpSecondFactor()
        let bronAgents = try await invited.get("/bo/bron/agents")
        XCTAssertEqual(bronAgents.status, .ok)
        XCTAssertTrue(bronAgents.contains("Invité avec les rôles : admin"), "Bron's journal shows it")

        let platform = try await XCTUnwrapAsync(try await guichet.agentScope("admin@metropole.demo.fr", "metropole"))
        let bronAgent = try await accountID("agent@bron.demo.fr")
        do { try await guichet.store.disableAgent(accountID: bronAgent, of: "bron", in: platform, author: "M"); XCTFail("the Métropole disabled a commune's agent") }
        catch StoreError.forbidden {}
        do {
            _ = try await guichet.store.inviteAgent(email: "x@bron.fr", name: "X", roles: ["accueil"], to: "bron", in: platform, author: "M", mail: nil)
            XCTFail("the Métropole gave a commune's agent roles")
        } catch StoreError.forbidden {}
    }

    /// The outbox holds every tenant's messages: only the Métropole's admins see and retry it.
    func testOnlyTheMetropolesAdminsSeeTheFailingDeliveries() async throws {
        let commune = try await signedIn("admin@caluire-et-cuire.demo.fr")
        let refused = try await commune.get("/bo/caluire-et-cuire/courriels")
        XCTAssertEqual(refused.status, .forbidden)
        let metropole = try await signedIn("admin@metropole.demo.fr")
        let page = try await metropole.get("/bo/metropole/courriels")
        XCTAssertEqual(page.status, .ok)
        let agent = try await signedIn("agent@caluire-et-cuire.demo.fr")
        try await agent.get("/bo/caluire-et-cuire/demandes")
        let retry = try await agent.post("/bo/caluire-et-cuire/courriels/relancer", [])
        XCTAssertEqual(retry.status, .forbidden)
    }

    /// A new password ends what the old one opened: the other sessions and the API tokens.
    func testAPasswordResetEndsOtherSessionsAndTokens() async throws {
        let elsewhere = try await signedIn("agent@caluire-et-cuire.demo.fr")
        try await elsewhere.get("/bo/caluire-et-cuire/jetons")
        let tokenPage = try await elsewhere.post("/bo/caluire-et-cuire/jetons", [("libelle", "Connecteur")])
        let token = try XCTUnwrap(tokenPage.text(id: "jeton"))

        let browser = guichet.browser()
        try await browser.get("/compte/mot-de-passe-oublie")
        try await browser.post("/compte/mot-de-passe-oublie", [("email", "agent@caluire-et-cuire.demo.fr")])
        let outbox = try await guichet.outbox()
        let mail = try XCTUnwrap(outbox.last { $0.to == "agent@caluire-et-cuire.demo.fr" })
        let match = try XCTUnwrap(mail.text.firstMatch(of: /jeton=([A-Za-z0-9_-]+)/))
        let reset = try await browser.post("/compte/nouveau-mot-de-passe", [("jeton", String(match.1)), ("password", "Tout-Nouveau-Secret-9")])
        XCTAssertEqual(reset.location, "/compte/connexion/code", "the link proves the mailbox, not the phone")
        let signedIn = try await browser.typeSecondFactor(DemoData.secondFactorKey(for: "agent@caluire-et-cuire.demo.fr"),
                                                          on: "/compte/connexion/code", to: "/compte/connexion/code")
        XCTAssertEqual(signedIn.location, "/bo", "an agent goes to work")
        let here = try await browser.get("/bo/caluire-et-cuire/demandes")
        XCTAssertEqual(here.status, .ok, "the session that reset the password is signed in")
        let there = try await elsewhere.get("/bo/caluire-et-cuire/demandes")
        XCTAssertEqual(there.status, .seeOther, "the other session ended")
        let api = try await guichet.browser().get("/api/v1/agent/demandes", headers: ["Authorization": "Bearer \(token)"])
        XCTAssertEqual(api.status, .unauthorized, "the API tokens ended")
    }
}

/// The subsidy démarche's workflow, whose roles an agent's scope is read against.
enum DemoCatalogueWorkflow {
    static func subsidy() throws -> Workflow.WorkflowDefinition { try DemoCatalogue.definition("subvention-association").workflow }
}
