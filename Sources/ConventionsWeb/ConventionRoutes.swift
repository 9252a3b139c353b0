import Foundation
import Vapor
import WebSupport

/// The convention cadre in the back-office: contributions, the catalogue and each commune's convention with
/// « Simuler », the Syntec index, operating costs and the finance department's imports.
public enum ConventionRoutes: BackOfficePart {
    public static let resources: Bundle? = .module

    public static func register(collectivite bo: any RoutesBuilder) {
        let contributions = ContributionsController()
        bo.get("contributions", use: contributions.page)
        bo.get("convention", use: contributions.page)
        bo.get("contributions.csv", use: contributions.csv)
        bo.get("convention", "appel.pdf", use: contributions.call)
        let editor = ConventionEditorController()
        bo.get("convention", "services", use: editor.catalogue)
        bo.get("convention", "commune", use: editor.commune)
        bo.post("convention", "changement", use: editor.change)
        let data = ConventionDataController()
        bo.get("convention", "indices", use: data.indices)
        bo.post("convention", "indices", use: data.addIndex)
        bo.get("convention", "charges", use: data.charges)
        bo.post("convention", "charges", use: data.saveCharges)
        bo.get("convention", "import", use: data.importForm)
        bo.post("convention", "import", use: data.importFile)
    }
}
