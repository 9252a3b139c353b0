import Storage
import Vapor
import WebSupport

/// The agents' back-office (GRC), under /bo/{collectivité}. Every page resolves an agent scope first.
public enum BackOfficeRoutes {
    public static func register(_ routes: any RoutesBuilder) {
        let bo = routes.grouped("bo").grouped(HTMLErrorMiddleware(), FormMiddleware())
        bo.get(use: home)
        let requests = RequestsController()
        bo.get(":slug", "demandes", use: requests.inbox)
        bo.get(":slug", "demandes", ":number", use: requests.show)
        bo.post(":slug", "demandes", ":number", "transition", use: requests.transition)
        bo.post(":slug", "demandes", ":number", "commentaire", use: requests.comment)
        bo.post(":slug", "demandes", ":number", "action", use: requests.globalAction)
        bo.get(":slug", "demandes", ":number", "fichiers", ":file", use: requests.file)
        let demarches = DemarchesController()
        bo.get(":slug", "demarches", use: demarches.list)
        bo.get(":slug", "demarches", "editer", use: demarches.editor)
        bo.post(":slug", "demarches", "editer", use: demarches.save)
        let designer = DesignerController()
        bo.get(":slug", "demarches", "nouvelle", use: designer.newForm)
        bo.post(":slug", "demarches", "nouvelle", use: designer.create)
        let design = bo.grouped(":slug", "demarches", ":demarche", "conception")
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
        bo.get(":slug", "demarches", "importer", use: bundles.form)
        bo.post(":slug", "demarches", "importer", use: bundles.submit)
        bo.get(":slug", "demarches", ":demarche", use: demarches.show)
        bo.get(":slug", "demarches", ":demarche", "versions", ":version", use: demarches.diff)
        bo.get(":slug", "demarches", ":demarche", "paquet", use: bundles.export)
        bo.post(":slug", "demarches", ":demarche", "publication", use: demarches.publication)
        let trial = DemarcheTrialController()
        bo.get(":slug", "demarches", ":demarche", "essai", use: trial.show)
        bo.post(":slug", "demarches", ":demarche", "essai", use: trial.post)
        let sources = DataSourcesController()
        bo.get(":slug", "sources", use: sources.list)
        bo.post(":slug", "sources", use: sources.save)
        bo.get(":slug", "sources", ":source", use: sources.edit)
        bo.post(":slug", "sources", ":source", "suppression", use: sources.delete)
        let contributions = ContributionsController()
        bo.get(":slug", "contributions", use: contributions.page)
        bo.get(":slug", "convention", use: contributions.page)
        bo.get(":slug", "contributions.csv", use: contributions.csv)
        bo.get(":slug", "convention", "appel.pdf", use: contributions.call)
        let editor = ConventionEditorController()
        bo.get(":slug", "convention", "services", use: editor.catalogue)
        bo.get(":slug", "convention", "commune", use: editor.commune)
        bo.post(":slug", "convention", "changement", use: editor.change)
        let data = ConventionDataController()
        bo.get(":slug", "convention", "indices", use: data.indices)
        bo.post(":slug", "convention", "indices", use: data.addIndex)
        bo.get(":slug", "convention", "charges", use: data.charges)
        bo.post(":slug", "convention", "charges", use: data.saveCharges)
        bo.get(":slug", "convention", "import", use: data.importForm)
        bo.post(":slug", "convention", "import", use: data.importFile)
        let admin = AdminController()
        bo.get(":slug", "jetons", use: admin.tokens)
        bo.post(":slug", "jetons", use: admin.createToken)
        bo.get(":slug", "courriels", use: admin.failingMail)
        bo.post(":slug", "courriels", "relancer", use: admin.retryMail)
    }

    /// One collectivité: straight to its inbox; several: let the agent choose.
    static func home(req: Request) async throws -> Response {
        let account = try await req.requireAccount()
        let memberships = try await req.store.agentMemberships(accountID: account.id)
        if memberships.count == 1 { return req.redirect(to: "/bo/\(memberships[0].slug)/demandes", redirectType: .normal) }
        struct Page { struct Item { var slug: String; var name: String }; var layout: Layout; var items: [Item] }
        let page = Page(layout: try await Layout.make(req, title: "Espace agents", backOffice: true),
                        items: memberships.map { .init(slug: $0.slug, name: $0.name) })
        return req.guichet.renderer.html("backoffice/home", page)
    }
}

extension Request {
    /// The agent's scope for the collectivité in the path, or a 403 page for anyone else.
    func agentScope() async throws -> (TenantScope, Account) {
        let account = try await requireAccount()
        guard let scope = try await store.agentScope(slug: parameters.get("slug") ?? "", accountID: account.id) else {
            throw Abort(.forbidden)
        }
        return (scope, account)
    }

    func layout(_ scope: TenantScope, title: String) async throws -> Layout {
        try await Layout.make(self, title: title, backOffice: true, collectivite: (scope.collectivite.name, scope.slug))
    }
}
