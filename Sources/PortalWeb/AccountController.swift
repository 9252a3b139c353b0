import Demarches
import Identity
import Messaging
import Storage
import Vapor
import Workflow
import WebSupport

/// Accounts: sign-up with e-mail confirmation, sign-in, sign-out, password reset. One account per person; agents
/// sign in here too; the commune the holder lives in (applications of a shared service read it). FranceConnect's
/// sign-in and linking are OpenIDConnectWeb's.
struct AccountController {
    func register(_ routes: any RoutesBuilder) {
        routes.get("compte", use: home)
        routes.post("compte", "rattacher", use: attachUnclaimed)
        routes.post("compte", "commune", use: setCommune)
        routes.get("compte", "inscription", use: signUpForm)
        routes.post("compte", "inscription", use: signUp)
        routes.get("compte", "confirmer", use: confirm)
        routes.get("compte", "connexion", use: signInForm)
        routes.post("compte", "connexion", use: signIn)
        routes.post("compte", "deconnexion", use: signOut)
        routes.get("compte", "mot-de-passe-oublie", use: forgotForm)
        routes.post("compte", "mot-de-passe-oublie", use: forgot)
        routes.get("compte", "nouveau-mot-de-passe", use: resetForm)
        routes.post("compte", "nouveau-mot-de-passe", use: reset)
    }

    struct AccountForm {
        var layout: Layout
        var email: String
        var name: String
        var token: String
        var back: String
        var emailError: String?
        var nameError: String?
        var passwordError: String?
        var formError: String?
        /// Where FranceConnect's button comes back to, as a query value.
        var backQuery: String

        init(layout: Layout, email: String = "", name: String = "", token: String = "", back: String = "", errors: [String: String] = [:]) {
            self.layout = layout; self.email = email; self.name = name; self.token = token; self.back = back
            backQuery = back.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
            emailError = errors["email"]; nameError = errors["name"]; passwordError = errors["password"]; formError = errors["form"]
        }
    }

    struct HomePage {
        struct Row { var number: String; var title: String; var status: String; var date: String }
        struct Agent { var slug: String; var name: String }
        struct Commune { var insee: String; var name: String; var selected: Bool }
        var layout: Layout
        /// The territory's communes, the holder's selected.
        var communes: [Commune] = []
        var name: String
        var email: String
        var demandes: [Row]
        var agentOf: [Agent]
        /// Requests filed without an account with this account's e-mail address, and whether it is confirmed (which
        /// lets them be attached).
        var hasUnclaimed: Bool
        var unclaimedLabel: String
        var confirmed: Bool
    }

    func home(req: Request) async throws -> Response {
        let account = try await req.requireAccount()
        let demandes = try await req.store.demandes(ofAccount: account.id).map {
            HomePage.Row(number: $0.number, title: $0.demarcheTitle, status: $0.statusLabel, date: FrenchDate.string($0.submittedAt))
        }
        let agentOf = try await req.store.agentMemberships(accountID: account.id).map { HomePage.Agent(slug: $0.slug, name: $0.name) }
        let unclaimed = try await req.store.unclaimedDemandes(email: account.email)
        let page = HomePage(layout: try await Layout.make(req, title: "Mon compte"), name: account.name, email: account.email,
                            demandes: demandes, agentOf: agentOf, hasUnclaimed: unclaimed > 0,
                            unclaimedLabel: unclaimed == 1 ? "Une demande a été déposée sans compte" : "\(unclaimed) demandes ont été déposées sans compte",
                            confirmed: account.isConfirmed)
        var shown = page
        shown.communes = try await communes(req, selected: account.commune)
        return req.guichet.renderer.html("account/home", shown)
    }

    private func communes(_ req: Request, selected: String?) async throws -> [HomePage.Commune] {
        try await req.store.collectivites().filter { $0.kind == .commune }.compactMap { c in
            c.insee.map { HomePage.Commune(insee: $0, name: c.name, selected: $0 == selected) }
        }.sortedFrench(by: \.name)
    }

    /// « Ma commune »: one of the territory's communes, or none.
    func setCommune(req: Request) async throws -> Response {
        let account = try await req.requireAccount()
        let chosen = req.form.value("commune")
        let known = try await communes(req, selected: nil).map(\.insee)
        guard chosen.isEmpty || known.contains(chosen) else {
            req.flash("Choisissez votre commune dans la liste.")
            return req.redirect(to: "/compte#commune", redirectType: .normal)
        }
        try await req.store.setCommune(accountID: account.id, insee: chosen.isEmpty ? nil : chosen)
        req.flash(chosen.isEmpty ? "Votre commune de résidence est effacée." : "Votre commune de résidence est enregistrée.")
        return req.redirect(to: "/compte", redirectType: .normal)
    }

    /// The requests filed without an account with this account's confirmed address join the account.
    func attachUnclaimed(req: Request) async throws -> Response {
        let account = try await req.requireAccount()
        guard account.isConfirmed else {
            req.flash("Confirmez d'abord votre adresse e-mail (lien reçu à l'inscription) : elle prouve que ces demandes sont les vôtres.")
            return req.redirect(to: "/compte", redirectType: .normal)
        }
        let count = try await req.store.attachUnclaimed(to: account)
        req.flash(count == 0 ? "Aucune demande à rattacher." : count == 1 ? "Une demande a été rattachée à votre compte."
                                                                           : "\(count) demandes ont été rattachées à votre compte.")
        return req.redirect(to: "/compte", redirectType: .normal)
    }

    func signUpForm(req: Request) async throws -> Response {
        req.guichet.renderer.html("account/signup", AccountForm(layout: try await Layout.make(req, title: "Créer un compte")))
    }

    func signUp(req: Request) async throws -> Response {
        let email = req.form.value("email").trimmingCharacters(in: .whitespaces).lowercased()
        let name = req.form.value("name").trimmingCharacters(in: .whitespacesAndNewlines)
        let password = req.form.value("password")
        var errors: [String: String] = [:]
        if !Email.isValid(email) { errors["email"] = "Saisissez une adresse e-mail valide, par exemple nom@exemple.fr." }
        if name.isEmpty || name.count > 120 { errors["name"] = "Indiquez votre nom et votre prénom." }
        if let problem = PasswordPolicy.problem(with: password, email: email) { errors["password"] = problem }
        if errors.isEmpty, try await req.store.account(email: email) != nil {
            // Saying so would let anyone test which addresses have an account; the owner gets an e-mail instead.
            try await req.store.enqueue([Mails.resetPassword(to: email, link: req.guichet.url("/compte/mot-de-passe-oublie"))])
            await req.guichet.mailQueued()
            return req.guichet.renderer.messagePage(try await Layout.make(req, title: "Vérifiez vos e-mails"),
                heading: "Vérifiez vos e-mails", message: "Un message vient d'être envoyé à \(email) pour terminer l'opération.")
        }
        guard errors.isEmpty else {
            let page = AccountForm(layout: try await Layout.make(req, title: "Erreur — Créer un compte"), email: email, name: name, errors: errors)
            return req.guichet.renderer.html("account/signup", page, status: .unprocessableEntity)
        }
        let hash = try await req.password.async.hash(password)
        let account: Account
        do { account = try await req.store.createAccount(email: email, name: name, passwordHash: hash) }
        catch StoreError.conflict { throw Abort(.conflict) }
        try await req.journal(.accountCreated, accountID: account.id)
        try await sendConfirmation(req, account)
        return req.guichet.renderer.messagePage(try await Layout.make(req, title: "Vérifiez vos e-mails"),
            heading: "Vérifiez vos e-mails", message: "Un message vient d'être envoyé à \(email) pour terminer l'opération.")
    }

    /// E-mails a 48-hour link that confirms the address (and signs the person in).
    private func sendConfirmation(_ req: Request, _ account: Account) async throws {
        let token = try await req.store.issueToken(accountID: account.id, purpose: .confirmEmail, lifetime: 48 * 3600)
        try await req.store.enqueue([Mails.confirmAccount(to: account.email, link: req.guichet.url("/compte/confirmer?jeton=\(token)"))])
        await req.guichet.mailQueued()
    }

    func confirm(req: Request) async throws -> Response {
        let token = (try? req.query.get(String.self, at: "jeton")) ?? ""
        guard let accountID = try await req.store.consumeToken(token, purpose: .confirmEmail),
              let account = try await req.store.account(id: accountID) else {
            return req.guichet.renderer.messagePage(try await Layout.make(req, title: "Lien invalide"), heading: "Lien invalide ou expiré",
                message: "Ce lien de confirmation n'est plus valable. Connectez-vous pour en recevoir un nouveau.", status: .notFound)
        }
        // Confirming does not sign in: whoever opens the link may not be its owner (someone sent their own link to
        // sign a victim into the sender's account, and read what the victim then files there).
        req.flash("L'adresse \(account.email) est confirmée. Connectez-vous avec votre mot de passe.")
        return req.redirect(to: "/compte/connexion", redirectType: .normal)
    }

    func signInForm(req: Request) async throws -> Response {
        let back = safeReturnPath(try? req.query.get(String.self, at: "retour"))
        // An application signing someone in may name them (`login_hint`): the address is typed already.
        let hint = ((try? req.query.get(String.self, at: "courriel")) ?? "").prefix(254)
        return req.guichet.renderer.html("account/signin", AccountForm(layout: try await Layout.make(req, title: "Se connecter"),
                                                                       email: Email.isValid(String(hint)) ? String(hint) : "", back: back))
    }

    func signIn(req: Request) async throws -> Response {
        let email = req.form.value("email").trimmingCharacters(in: .whitespaces).lowercased()
        let password = req.form.value("password")
        let back = safeReturnPath(req.form.value("retour"))
        func refuse(_ message: String, status: HTTPStatus) async throws -> Response {
            let page = AccountForm(layout: try await Layout.make(req, title: "Erreur — Se connecter"), email: email, back: back, errors: ["form": message])
            return req.guichet.renderer.html("account/signin", page, status: status)
        }
        let account = try await req.store.account(email: email)
        let verdict = try await req.checkPassword(password, of: account, subject: email)
        if verdict == .throttled {
            return try await refuse("Trop de tentatives. Réessayez dans 15 minutes, ou choisissez un nouveau mot de passe.", status: .tooManyRequests)
        }
        guard verdict == .matches, let account else { return try await refuse("Adresse e-mail ou mot de passe incorrect.", status: .unauthorized) }
        if req.guichet.passwordCheck.needsRehash(account.passwordHash) {
            try await req.store.upgradePasswordHash(accountID: account.id, from: account.passwordHash, to: try await req.password.async.hash(password))
        }
        guard !account.isDisabled else {
            return try await refuse("Ce compte est désactivé. Adressez-vous à l'administrateur de votre collectivité.", status: .forbidden)
        }
        guard account.isConfirmed else {
            try await sendConfirmation(req, account)
            return try await refuse("Confirmez d'abord votre adresse e-mail : un nouveau lien vient de vous être envoyé.", status: .forbidden)
        }
        // With a second factor, the session opens only after its code.
        if try await req.store.hasSecondFactor(accountID: account.id) { return try SecondFactorController.ask(req, accountID: account.id, back: back) }
        try await req.signIn(account, journal: .signIn)
        return try await Self.landing(req, account, back: back)
    }

    /// Where a sign-in lands: the page it was asked from; for agents without one, their inbox (`/bo` picks it),
    /// since they come to work.
    static func landing(_ req: Request, _ account: Account, back: String) async throws -> Response {
        if back == safeReturnPath(nil), !(try await req.store.agentMemberships(accountID: account.id)).isEmpty {
            return req.redirect(to: "/bo", redirectType: .normal)
        }
        return req.redirect(to: back, redirectType: .normal)
    }

    /// Signing out of Guichet signs out of the applications this sign-in opened (GrandLyon Connect), and of
    /// FranceConnect when the sign-in came through it.
    func signOut(req: Request) async throws -> Response {
        if let session = try await req.signInSession() { try await req.store.endGrants(ofSession: session.sid) }
        let franceConnect = req.franceConnectIDToken
        req.signOut()
        return req.franceConnectLogout(idToken: franceConnect) ?? req.redirect(to: "/", redirectType: .normal)
    }

    func forgotForm(req: Request) async throws -> Response {
        req.guichet.renderer.html("account/forgot", AccountForm(layout: try await Layout.make(req, title: "Mot de passe oublié")))
    }

    /// Always answers the same, whether the address has an account or not.
    func forgot(req: Request) async throws -> Response {
        let email = req.form.value("email").trimmingCharacters(in: .whitespaces).lowercased()
        guard Email.isValid(email) else {
            let page = AccountForm(layout: try await Layout.make(req, title: "Erreur — Mot de passe oublié"), email: email,
                                   errors: ["email": "Saisissez une adresse e-mail valide, par exemple nom@exemple.fr."])
            return req.guichet.renderer.html("account/forgot", page, status: .unprocessableEntity)
        }
        if let account = try await req.store.account(email: email) {
            let token = try await req.store.issueToken(accountID: account.id, purpose: .resetPassword, lifetime: 3600)
            try await req.store.enqueue([Mails.resetPassword(to: email, link: req.guichet.url("/compte/nouveau-mot-de-passe?jeton=\(token)"))])
            await req.guichet.mailQueued()
        }
        return req.guichet.renderer.messagePage(try await Layout.make(req, title: "Vérifiez vos e-mails"), heading: "Vérifiez vos e-mails",
            message: "Si un compte existe pour \(email), un lien pour choisir un nouveau mot de passe vient de lui être envoyé.")
    }

    func resetForm(req: Request) async throws -> Response {
        let token = (try? req.query.get(String.self, at: "jeton")) ?? ""
        return req.guichet.renderer.html("account/reset", AccountForm(layout: try await Layout.make(req, title: "Nouveau mot de passe"), token: token))
    }

    func reset(req: Request) async throws -> Response {
        let token = req.form.value("jeton")
        let password = req.form.value("password")
        if let problem = PasswordPolicy.problem(with: password, email: "") {
            let page = AccountForm(layout: try await Layout.make(req, title: "Erreur — Nouveau mot de passe"), token: token, errors: ["password": problem])
            return req.guichet.renderer.html("account/reset", page, status: .unprocessableEntity)
        }
        guard let accountID = try await req.store.consumeToken(token, purpose: .resetPassword),
              try await req.store.account(id: accountID) != nil else {
            return req.guichet.renderer.messagePage(try await Layout.make(req, title: "Lien invalide"), heading: "Lien invalide ou expiré",
                message: "Ce lien n'est plus valable. Demandez-en un nouveau depuis « Mot de passe oublié ».", status: .notFound)
        }
        try await req.store.setPassword(accountID: accountID, passwordHash: try await req.password.async.hash(password))
        // Read again: the new password moved the session epoch, ending the account's other sessions.
        guard let account = try await req.store.account(id: accountID), !account.isDisabled else { throw Abort(.notFound) }
        try await req.journal(.passwordChanged, accountID: account.id)
        req.flash("Votre mot de passe a été changé.")
        // The link proves the mailbox, not the phone: an account with a second factor still types its code.
        if try await req.store.hasSecondFactor(accountID: account.id) { return try SecondFactorController.ask(req, accountID: account.id, back: "/compte") }
        try await req.signIn(account, journal: nil)
        return req.redirect(to: "/compte", redirectType: .normal)
    }
}
