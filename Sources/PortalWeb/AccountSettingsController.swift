import Foundation
import Identity
import Messaging
import Storage
import Vapor
import WebSupport
import Workflow

/// Changing the account's e-mail address (confirmed by a link sent to the new one, the old one told once it is
/// done) and deleting the account (`Store.deleteAccount`). Both ask the password, when the account has one.
struct AccountSettingsController {
    func register(_ routes: any RoutesBuilder) {
        routes.get("compte", "courriel", use: emailForm)
        routes.post("compte", "courriel", use: requestEmailChange)
        routes.get("compte", "courriel", "confirmer", use: confirmEmailChange)
        routes.get("compte", "supprimer", use: deletionForm)
        routes.post("compte", "supprimer", use: delete)
    }

    struct EmailPage {
        var layout: Layout
        var current: String
        var email: String
        var hasPassword: Bool
        var emailError: String?
        var passwordError: String?
    }

    struct DeletionPage {
        var layout: Layout
        var email: String
        var hasPassword: Bool
        var requests: Int
        var isAgent: Bool
        var confirmError: String?
    }

    func emailForm(req: Request) async throws -> Response {
        let account = try await req.requireAccount()
        return try await emailPage(req, account, typed: "", errors: [:])
    }

    private func emailPage(_ req: Request, _ account: Account, typed: String, errors: [String: String]) async throws -> Response {
        let title = errors.isEmpty ? "Changer d'adresse e-mail" : "Erreur — Changer d'adresse e-mail"
        let page = EmailPage(layout: try await Layout.make(req, title: title), current: account.email, email: typed,
                             hasPassword: !account.passwordHash.isEmpty, emailError: errors["email"], passwordError: errors["password"])
        return req.guichet.renderer.html("account/email", page, status: errors.isEmpty ? .ok : .unprocessableEntity)
    }

    /// Whether the password typed is the account's (throttled like sign-in); an account without one (made by
    /// FranceConnect) is asked to type its current address instead.
    private func confirmsItIsThem(_ req: Request, _ account: Account, typed: String) async throws -> String? {
        if account.passwordHash.isEmpty {
            return typed.trimmingCharacters(in: .whitespaces).lowercased() == account.email ? nil : "Saisissez votre adresse e-mail actuelle, \(account.email)."
        }
        switch try await req.checkPassword(typed, of: account, subject: account.email, purpose: "pour modifier le compte") {
        case .throttled: return "Trop de tentatives. Réessayez dans 15 minutes."
        case .wrong: return "Mot de passe incorrect."
        case .matches: return nil
        }
    }

    func requestEmailChange(req: Request) async throws -> Response {
        let account = try await req.requireAccount()
        let email = req.form.value("email").trimmingCharacters(in: .whitespaces).lowercased()
        var errors: [String: String] = [:]
        if !Email.isValid(email) { errors["email"] = "Saisissez une adresse e-mail valide, par exemple nom@exemple.fr." }
        else if email == account.email { errors["email"] = "C'est déjà l'adresse de votre compte." }
        if errors.isEmpty, let refusal = try await confirmsItIsThem(req, account, typed: req.form.value("password")) { errors["password"] = refusal }
        guard errors.isEmpty else { return try await emailPage(req, account, typed: email, errors: errors) }
        // Whether the address has an account is told to its owner only, by e-mail.
        if try await req.store.account(email: email) != nil {
            try await req.store.enqueue([Mails.resetPassword(to: email, link: req.guichet.url("/compte/mot-de-passe-oublie"))])
        } else {
            let token = try await req.store.requestEmailChange(accountID: account.id, to: email)
            try await req.store.enqueue([Mails.confirmEmailChange(to: email, link: req.guichet.url("/compte/courriel/confirmer?jeton=\(token)"))])
        }
        await req.guichet.mailQueued()
        return req.guichet.renderer.messagePage(try await Layout.make(req, title: "Vérifiez vos e-mails"), heading: "Vérifiez vos e-mails",
            message: "Un message vient d'être envoyé à \(email). Votre adresse change quand vous ouvrez le lien qu'il contient (valable 24 heures) ; d'ici là, votre compte garde \(account.email).")
    }

    func confirmEmailChange(req: Request) async throws -> Response {
        let token = (try? req.query.get(String.self, at: "jeton")) ?? ""
        let changed: (accountID: String, old: String, new: String)?
        do { changed = Secret.isToken(token) ? try await req.store.confirmEmailChange(token) : nil }
        catch StoreError.conflict {
            return req.guichet.renderer.messagePage(try await Layout.make(req, title: "Adresse déjà utilisée"), heading: "Adresse déjà utilisée",
                message: "Un autre compte utilise désormais cette adresse : la vôtre n'a pas changé.", status: .conflict)
        }
        guard let changed else {
            return req.guichet.renderer.messagePage(try await Layout.make(req, title: "Lien invalide"), heading: "Lien invalide ou expiré",
                message: "Ce lien n'est plus valable. Demandez-en un nouveau depuis votre compte (« Changer d'adresse e-mail »).", status: .notFound)
        }
        try await req.store.enqueue([Mails.emailChanged(to: changed.old, newAddress: changed.new, help: req.guichet.url("/aide"))])
        await req.guichet.mailQueued()
        try await req.journal(.emailChanged, accountID: changed.accountID, detail: "ancienne adresse \(changed.old)")
        req.flash("Votre compte utilise désormais l'adresse \(changed.new).")
        return req.redirect(to: "/compte", redirectType: .normal)
    }

    func deletionForm(req: Request) async throws -> Response {
        let account = try await req.requireAccount()
        return try await deletionPage(req, account, error: nil)
    }

    private func deletionPage(_ req: Request, _ account: Account, error: String?) async throws -> Response {
        let page = DeletionPage(layout: try await Layout.make(req, title: error == nil ? "Supprimer mon compte" : "Erreur — Supprimer mon compte"),
                                email: account.email, hasPassword: !account.passwordHash.isEmpty,
                                requests: try await req.store.demandes(ofAccount: account.id).count,
                                isAgent: !(try await req.store.agentMemberships(accountID: account.id)).isEmpty, confirmError: error)
        return req.guichet.renderer.html("account/delete", page, status: error == nil ? .ok : .unprocessableEntity)
    }

    func delete(req: Request) async throws -> Response {
        let account = try await req.requireAccount()
        if let refusal = try await confirmsItIsThem(req, account, typed: req.form.value("password")) {
            return try await deletionPage(req, account, error: refusal)
        }
        do { try await req.store.deleteAccount(accountID: account.id, journal: req.securityEvent(.accountDeleted, accountID: account.id)) }
        catch StoreError.conflict("agent") {
            return try await deletionPage(req, account, error: "Votre compte est celui d'un agent : l'administrateur de votre collectivité retire d'abord vos rôles.")
        }
        req.signOut()
        return req.guichet.renderer.messagePage(try await Layout.make(req, title: "Compte supprimé"), heading: "Votre compte est supprimé",
            message: "Vos informations personnelles liées au compte sont effacées. Vos demandes restent traitées et archivées par les services, selon la durée de conservation de chaque démarche.")
    }
}
