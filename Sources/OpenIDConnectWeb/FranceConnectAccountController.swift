import Foundation
import OpenIDConnect
import Storage
import Vapor
import WebSupport

/// « Identité FranceConnect » (`/compte/franceconnect`): whether the account is linked to FranceConnect, the
/// link and the unlink (which asks for the account's password: without one, the citizen could no longer sign
/// in), and the civil identity the citizen may declare so that their first FranceConnect sign-in finds their
/// account without asking.
struct FranceConnectAccountController {
    struct Page {
        var layout: Layout
        var configured: Bool
        var linked: Bool
        var verified: IdentityRows?
        var hasPassword: Bool
        var declared: Declared
        var hasDeclared: Bool
        var passwordError: String?
    }

    /// The declaration form, as typed or as stored.
    struct Declared {
        var givenName = "", familyName = "", birthdate = "", birthplace = "", birthcountry = "99100"
        var female = false, male = false
        // Stored, not computed: templates read values by reflection.
        var givenNameError: String?, familyNameError: String?, birthdateError: String?, genderError: String?
        var birthplaceError: String?, birthcountryError: String?
        var hasErrors = false

        mutating func show(_ errors: [String: String]) {
            givenNameError = errors["given_name"]; familyNameError = errors["family_name"]; birthdateError = errors["birthdate"]
            genderError = errors["gender"]; birthplaceError = errors["birthplace"]; birthcountryError = errors["birthcountry"]
            hasErrors = !errors.isEmpty
        }

        init() {}
        init(_ pivot: PivotIdentity) {
            givenName = pivot.givenName; familyName = pivot.familyName; birthdate = pivot.birthdate
            birthplace = pivot.birthplace; birthcountry = pivot.birthcountry; female = pivot.gender == "female"; male = pivot.gender == "male"
        }
    }

    func page(req: Request) async throws -> Response {
        try await render(req, declared: nil, passwordError: nil)
    }

    private func render(_ req: Request, declared typed: Declared?, passwordError: String?, status: HTTPStatus = .ok) async throws -> Response {
        let account = try await req.requireAccount()
        let identity = try await req.store.civilIdentity(accountID: account.id)
        let linked = identity?.isVerified == true
        let declared = typed ?? identity.flatMap { $0.isVerified ? nil : Declared($0.pivot) } ?? Declared()
        // « Relier » posts, then goes on to FranceConnect: the form must be allowed to end there.
        if let issuer = req.guichet.franceConnect?.settings.issuer { req.allowFormRedirect(to: issuer) }
        let title = (typed?.hasErrors == true || passwordError != nil ? "Erreur — " : "") + "Identité FranceConnect"
        let page = Page(layout: try await Layout.make(req, title: title), configured: req.guichet.franceConnect != nil, linked: linked,
                        verified: linked ? identity.map { IdentityRows($0.pivot) } : nil, hasPassword: !account.passwordHash.isEmpty,
                        declared: declared, hasDeclared: identity != nil && !linked, passwordError: passwordError)
        return req.guichet.renderer.html("franceconnect/account", page, status: status)
    }

    func declare(req: Request) async throws -> Response {
        let account = try await req.requireAccount()
        let form = req.form
        let result = PivotIdentity.declared(givenName: form.value("given_name"), familyName: form.value("family_name"), birthdate: form.value("birthdate"),
                                            gender: form.value("gender"), birthplace: form.value("birthplace"), birthcountry: form.value("birthcountry"))
        switch result {
        case .failure(let errors):
            var typed = Declared()
            typed.givenName = String(form.value("given_name").prefix(200)); typed.familyName = String(form.value("family_name").prefix(200))
            typed.birthdate = String(form.value("birthdate").prefix(10)); typed.birthplace = String(form.value("birthplace").prefix(5))
            typed.birthcountry = String(form.value("birthcountry").prefix(5))
            typed.female = form.value("gender") == "female"; typed.male = form.value("gender") == "male"
            typed.show(errors.fields)
            return try await render(req, declared: typed, passwordError: nil, status: .unprocessableEntity)
        case .success(let pivot):
            do { try await req.store.declareCivilIdentity(accountID: account.id, pivot) }
            catch StoreError.conflict { req.flash("Votre identité vient de FranceConnect : elle ne se modifie pas ici.") ; return back(req) }
            req.flash("Votre état civil est enregistré. À votre première connexion avec FranceConnect, votre compte sera reconnu s'il correspond exactement.")
            return back(req)
        }
    }

    func removeDeclared(req: Request) async throws -> Response {
        let account = try await req.requireAccount()
        try await req.store.removeDeclaredIdentity(accountID: account.id)
        req.flash("Votre état civil déclaré est supprimé.")
        return back(req)
    }

    func unlink(req: Request) async throws -> Response {
        let account = try await req.requireAccount()
        guard !account.passwordHash.isEmpty else {
            return try await render(req, declared: nil, passwordError: "Choisissez d'abord un mot de passe, sans quoi vous ne pourriez plus vous connecter.",
                                    status: .unprocessableEntity)
        }
        switch try await req.checkPassword(req.form.value("password"), of: account, subject: account.email, purpose: "pour délier FranceConnect") {
        case .throttled: return try await render(req, declared: nil, passwordError: "Trop de tentatives. Réessayez dans 15 minutes.", status: .tooManyRequests)
        case .wrong: return try await render(req, declared: nil, passwordError: "Mot de passe incorrect.", status: .unprocessableEntity)
        case .matches: break
        }
        try await req.store.unlinkFranceConnect(accountID: account.id)
        try await req.journal(.franceConnectUnlinked, accountID: account.id)
        req.flash("Votre compte n'est plus relié à FranceConnect. Connectez-vous désormais avec votre adresse e-mail et votre mot de passe.")
        return back(req)
    }

    private func back(_ req: Request) -> Response { req.redirect(to: "/compte/franceconnect", redirectType: .normal) }
}
