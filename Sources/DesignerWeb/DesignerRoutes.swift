import Foundation
import Vapor
import WebSupport

/// The démarche designer, for the admins of collectivités that author their démarches: démarche pages with their
/// versions and comparison, the working copy's designer, the JSON editor, test-filling, bundles and data sources.
public enum DesignerRoutes: BackOfficePart {
    public static let resources: Bundle? = .module

    public static func register(collectivite bo: any RoutesBuilder) {
        let demarches = DemarchesController()
        bo.get("demarches", use: demarches.list)
        bo.get("demarches", "editer", use: demarches.editor)
        bo.post("demarches", "editer", use: demarches.save)
        let designer = DesignerController()
        bo.get("demarches", "nouvelle", use: designer.newForm)
        bo.post("demarches", "nouvelle", use: designer.create)
        let design = bo.grouped("demarches", ":demarche", "conception")
        design.get(use: designer.show)
        design.post("entete", use: designer.header)
        design.post("statut-initial", use: designer.initialStatus)
        design.post("publication", use: designer.publish)
        design.post("abandon", use: designer.discard)
        design.get("champs", ":field", use: designer.fieldEditor)
        design.post("champs", ":field", use: designer.saveField)
        design.post("champs", ":field", "deplacer", use: designer.moveField)
        design.post("champs", ":field", "suppression", use: designer.removeField)
        design.get("statuts", ":status", use: designer.statusEditor)
        design.post("statuts", ":status", use: designer.saveStatus)
        design.post("statuts", ":status", "suppression", use: designer.removeStatus)
        design.get("transitions", ":transition", use: designer.transitionEditor)
        design.post("transitions", ":transition", use: designer.saveTransition)
        design.post("transitions", ":transition", "suppression", use: designer.removeTransition)
        design.post("delai", use: designer.deadline)
        design.get("actions", ":action", use: designer.globalActionEditor)
        design.post("actions", ":action", use: designer.saveGlobalAction)
        design.post("actions", ":action", "suppression", use: designer.removeGlobalAction)
        // Each element's actions, under the element's own path (the router does not backtrack between branches).
        for (kind, owner) in [("statuts", ":status"), ("transitions", ":transition"), ("actions", ":action")] as [(PathComponent, PathComponent)] {
            design.get(kind, owner, "action", ":index", use: designer.actionEditor)
            design.post(kind, owner, "action", ":index", use: designer.saveAction)
            design.post(kind, owner, "action", ":index", "suppression", use: designer.removeAction)
            design.post(kind, owner, "action", ":index", "deplacer", use: designer.moveAction)
        }
        let bundles = BundleController()
        bo.get("demarches", "importer", use: bundles.form)
        bo.post("demarches", "importer", use: bundles.submit)
        bo.get("demarches", ":demarche", use: demarches.show)
        bo.get("demarches", ":demarche", "versions", ":version", use: demarches.diff)
        bo.get("demarches", ":demarche", "paquet", use: bundles.export)
        bo.post("demarches", ":demarche", "publication", use: demarches.publication)
        let trial = DemarcheTrialController()
        bo.get("demarches", ":demarche", "essai", use: trial.show)
        bo.post("demarches", ":demarche", "essai", use: trial.post)
        let sources = DataSourcesController()
        bo.get("sources", use: sources.list)
        bo.post("sources", use: sources.save)
        bo.get("sources", ":source", use: sources.edit)
        bo.post("sources", ":source", "suppression", use: sources.delete)
    }
}
