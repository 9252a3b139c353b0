import Foundation
import Vapor
import WebSupport

/// A collectivité's administration: API tokens and the webhook key; for the Métropole's admins, failing deliveries.
public enum AdministrationRoutes: BackOfficePart {
    public static let resources: Bundle? = .module

    public static func register(collectivite bo: any RoutesBuilder) {
        let admin = AdminController()
        bo.get("jetons", use: admin.tokens)
        bo.post("jetons", use: admin.createToken)
        bo.get("courriels", use: admin.failingMail)
        bo.post("courriels", "relancer", use: admin.retryMail)
    }
}
