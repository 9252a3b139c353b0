import Foundation
import Vapor
import WebSupport

/// A collectivité's administration: its agents, API tokens and the webhook key; for the Métropole's admins,
/// failing deliveries, communes' first admins and the security journal of every account.
public enum AdministrationRoutes: BackOfficePart {
    public static let resources: Bundle? = .module

    public static func register(collectivite bo: any RoutesBuilder) {
        let admin = AdminController()
        bo.get("jetons", use: admin.tokens)
        bo.post("jetons", use: admin.createToken)
        bo.post("jetons", "revoquer", use: admin.revokeToken)
        bo.get("courriels", use: admin.failingMail)
        bo.post("courriels", "relancer", use: admin.retryMail)
        let agents = AgentsController()
        bo.get("agents", use: agents.page)
        bo.post("agents", "inviter", use: agents.invite)
        bo.post("agents", "premier-admin", use: agents.firstAdmin)
        bo.post("agents", ":account", "roles", use: agents.setRoles)
        bo.post("agents", ":account", "desactiver", use: agents.disable)
        let legal = LegalTextsController()
        bo.get("pages-legales", use: legal.page)
        bo.post("pages-legales", ":page", use: legal.save)
        bo.get("securite", use: SecurityJournalController().page)
        bo.get("relais", use: RelaysController().page)
        let connectors = ConnectorsController()
        bo.get("connecteurs", use: connectors.list)
        bo.post("connecteurs", use: connectors.create)
        bo.get("connecteurs", ":commune", use: connectors.journal)
        bo.post("connecteurs", ":commune", use: connectors.saveURL)
        bo.post("connecteurs", ":commune", "etat", use: connectors.setState)
        bo.post("connecteurs", ":commune", "cles", use: connectors.rotate)
        bo.post("connecteurs", ":commune", "rejouer", use: connectors.replay)
        let competences = CompetencesController()
        bo.get("competences", use: competences.page)
        bo.post("competences", "regles", use: competences.addRule)
        bo.post("competences", "regles", ":position", use: competences.changeRule)
        bo.get("competences", ":category", use: competences.category)
        bo.post("competences", ":category", use: competences.saveCategory)
    }
}
