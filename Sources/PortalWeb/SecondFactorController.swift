import Foundation
import Identity
import QRCode
import Storage
import Vapor
import WebSupport

/// The second factor (TOTPKey, RFC 6238, with recovery codes): the sign-in's second step for an account that has
/// one; setting it up (mandatory before any back-office page for agents, a choice for citizens); a code asked
/// again when a session opened without it reaches the back-office; new recovery codes; turning it off (citizens).
struct SecondFactorController {
    static let pendingKey = "second_factor_pending"
    static let setupKey = "second_factor_setup"
    static let issuer = "Guichet Grand Lyon"

    func register(_ routes: any RoutesBuilder) {
        routes.get("compte", "connexion", "code", use: signInStep)
        routes.post("compte", "connexion", "code", use: checkSignInStep)
        routes.get("compte", "double-authentification", use: page)
        routes.post("compte", "double-authentification", "activer", use: enable)
        routes.post("compte", "double-authentification", "verifier", use: stepUp)
        routes.post("compte", "double-authentification", "codes", use: renewCodes)
        routes.post("compte", "double-authentification", "desactiver", use: disable)
    }

    /// A password accepted for an account with a second factor: who, where to, until when (5 minutes).
    struct Pending: Codable { var accountID: String; var back: String; var until: Date }

    struct CodePage {
        var layout: Layout
        var action: String
        var back: String
        var codeError: String?
    }

    struct SetupPage {
        var layout: Layout
        var back: String
        var key: String
        var uri: String
        /// The key as a QR code to scan (inline SVG, made of numbers and an escaped title); nil if it cannot hold it.
        var qrCode: String?
        var mandatory: Bool
        var codeError: String?
    }

    struct StatusPage {
        var layout: Layout
        var codesLeft: Int
        var mayDisable: Bool
    }

    struct CodesPage {
        var layout: Layout
        var codes: [String]
        var back: String
    }

    // MARK: the sign-in's second step

    /// Called by the password step: the session is not opened yet, the code page is next.
    static func ask(_ req: Request, accountID: String, back: String) throws -> Response {
        req.session.data[pendingKey] = String(decoding: try JSONEncoder().encode(Pending(accountID: accountID, back: back, until: req.store.clock().addingTimeInterval(300))), as: UTF8.self)
        return req.redirect(to: "/compte/connexion/code", redirectType: .normal)
    }

    private func pending(_ req: Request) -> Pending? {
        guard req.hasSession, let text = req.session.data[Self.pendingKey],
              let pending = try? JSONDecoder().decode(Pending.self, from: Data(text.utf8)), pending.until > req.store.clock() else { return nil }
        return pending
    }

    func signInStep(req: Request) async throws -> Response {
        guard let pending = pending(req) else { return req.redirect(to: "/compte/connexion", redirectType: .normal) }
        return try await codePage(req, action: "/compte/connexion/code", back: pending.back, error: nil)
    }

    func checkSignInStep(req: Request) async throws -> Response {
        guard let pending = pending(req), let account = try await req.store.account(id: pending.accountID), !account.isDisabled else {
            req.flash("La connexion a expiré : saisissez de nouveau votre mot de passe.")
            return req.redirect(to: "/compte/connexion", redirectType: .normal)
        }
        let verified: Bool
        switch try await check(req, account) {
        case .refused(let refusal):
            return try await codePage(req, action: "/compte/connexion/code", back: pending.back, error: refusal, status: .unprocessableEntity)
        case .verified: verified = true
        case .void: verified = false
        }
        req.session.data[Self.pendingKey] = nil
        try await req.signIn(account, journal: .signIn, detail: "avec la double authentification")
        if verified { req.markSecondFactorDone() }
        return try await AccountController.landing(req, account, back: pending.back)
    }

    enum Outcome {
        case verified
        /// What to say beside the field.
        case refused(String)
        /// The account's second factor could not be read (sealed under an earlier server secret) and is gone.
        case void
    }

    /// Attempts are throttled per account like passwords, so six digits cannot be guessed.
    private func check(_ req: Request, _ account: Account) async throws -> Outcome {
        guard let attempt = await req.guichet.signInThrottle.begin(subject: "second-factor:" + account.id, client: req.clientAddress) else {
            return .refused("Trop de codes refusés. Réessayez dans 15 minutes.")
        }
        switch try await req.store.checkSecondFactor(accountID: account.id, typed: req.form.value("code")) {
        case .accepted:
            await req.guichet.signInThrottle.succeeded(attempt)
            return .verified
        case .recoveryCodeUsed(let left):
            await req.guichet.signInThrottle.succeeded(attempt)
            try await req.journal(.recoveryCodeUsed, accountID: account.id, detail: left == 1 ? "1 restant" : "\(left) restants")
            req.flash(left == 0 ? "Vous avez utilisé votre dernier code de secours : créez-en de nouveaux dans « Double authentification »."
                                : "Code de secours accepté. Il vous en reste \(left).")
            return .verified
        case .alreadyUsed:
            return .refused("Ce code a déjà servi. Attendez le suivant dans votre application (il change toutes les 30 secondes).")
        case .wrong:
            try await req.journal(.secondFactorRefused, accountID: account.id)
            return .refused("Code incorrect. Saisissez les 6 chiffres affichés par votre application, ou un code de secours.")
        case .notEnabled:
            await req.guichet.signInThrottle.succeeded(attempt)
            req.flash("Votre double authentification n'est plus valable : activez-la de nouveau dans « Double authentification ».")
            return .void
        }
    }

    private func codePage(_ req: Request, action: String, back: String, error: String?, status: HTTPStatus = .ok) async throws -> Response {
        let title = error == nil ? "Code de double authentification" : "Erreur — Code de double authentification"
        return req.guichet.renderer.html("account/second_factor_code", CodePage(layout: try await Layout.make(req, title: title), action: action,
                                                                                back: back, codeError: error), status: status)
    }

    // MARK: setting it up, asking it again, managing it

    func page(req: Request) async throws -> Response {
        let account = try await req.requireAccount()
        let back = safeReturnPath(try? req.query.get(String.self, at: "retour"))
        if try await req.store.hasSecondFactor(accountID: account.id) {
            guard req.secondFactorDone else { return try await codePage(req, action: "/compte/double-authentification/verifier", back: back, error: nil) }
            return try await status(req, account)
        }
        // The same key until it is turned on: a reload must not change the key already typed into the phone.
        let key = req.session.data[Self.setupKey].flatMap(Base32.decode).map(TOTPKey.init(key:)) ?? TOTPKey.generate()
        req.session.data[Self.setupKey] = Base32.encode(key.key)
        return try await setupPage(req, account, key: key, back: back, error: nil)
    }

    private func setupPage(_ req: Request, _ account: Account, key: TOTPKey, back: String, error: String?) async throws -> Response {
        let mandatory = try await req.store.secondFactorRequirement(accountID: account.id) == .mandatory
        let title = error == nil ? "Activer la double authentification" : "Erreur — Activer la double authentification"
        let uri = key.uri(account: account.email, issuer: Self.issuer)
        let page = SetupPage(layout: try await Layout.make(req, title: title), back: back, key: key.displayKey, uri: uri,
                             qrCode: QRCode(uri)?.svg(title: "Code QR de la clé, à scanner avec l'application d'authentification"),
                             mandatory: mandatory, codeError: error)
        return req.guichet.renderer.html("account/second_factor_setup", page, status: error == nil ? .ok : .unprocessableEntity)
    }

    private func status(_ req: Request, _ account: Account) async throws -> Response {
        let page = StatusPage(layout: try await Layout.make(req, title: "Double authentification"),
                              codesLeft: try await req.store.recoveryCodesLeft(accountID: account.id),
                              mayDisable: try await req.store.secondFactorRequirement(accountID: account.id).mayBeTurnedOff)
        return req.guichet.renderer.html("account/second_factor", page)
    }

    func enable(req: Request) async throws -> Response {
        let account = try await req.requireAccount()
        let back = safeReturnPath(req.form.value("retour"))
        guard let text = req.hasSession ? req.session.data[Self.setupKey] : nil, let bytes = Base32.decode(text) else {
            return req.redirect(to: "/compte/double-authentification", redirectType: .normal)
        }
        let key = TOTPKey(key: bytes)
        let codes: [String]?
        do { codes = try await req.store.enableSecondFactor(accountID: account.id, key: key, typed: req.form.value("code")) }
        catch StoreError.conflict { return req.redirect(to: "/compte/double-authentification", redirectType: .normal) }
        guard let codes else {
            return try await setupPage(req, account, key: key, back: back,
                                       error: "Code incorrect. Vérifiez que la clé est bien saisie dans votre application, puis tapez les 6 chiffres qu'elle affiche.")
        }
        req.session.data[Self.setupKey] = nil
        req.markSecondFactorDone()
        try await req.journal(.secondFactorEnabled, accountID: account.id)
        return try await codesPage(req, codes, back: back, title: "Double authentification activée")
    }

    func stepUp(req: Request) async throws -> Response {
        let account = try await req.requireAccount()
        let back = safeReturnPath(req.form.value("retour"))
        switch try await check(req, account) {
        case .refused(let refusal):
            return try await codePage(req, action: "/compte/double-authentification/verifier", back: back, error: refusal, status: .unprocessableEntity)
        case .verified: req.markSecondFactorDone()
        case .void: break  // the back-office's door now offers its setup
        }
        return req.redirect(to: back, redirectType: .normal)
    }

    func renewCodes(req: Request) async throws -> Response {
        let account = try await req.requireAccount()
        guard req.secondFactorDone, try await req.store.hasSecondFactor(accountID: account.id) else {
            return req.redirect(to: "/compte/double-authentification", redirectType: .normal)
        }
        let codes = try await req.store.regenerateRecoveryCodes(accountID: account.id)
        try await req.journal(.recoveryCodesRenewed, accountID: account.id)
        return try await codesPage(req, codes, back: "/compte/double-authentification", title: "Nouveaux codes de secours")
    }

    func disable(req: Request) async throws -> Response {
        let account = try await req.requireAccount()
        guard req.secondFactorDone else { return req.redirect(to: "/compte/double-authentification", redirectType: .normal) }
        do { try await req.store.disableSecondFactor(accountID: account.id) }
        catch StoreError.conflict {
            req.flash("La double authentification est obligatoire pour les agents : elle ne peut pas être désactivée.")
            return req.redirect(to: "/compte/double-authentification", redirectType: .normal)
        }
        try await req.journal(.secondFactorDisabled, accountID: account.id)
        req.flash("La double authentification est désactivée : votre mot de passe suffit de nouveau pour vous connecter.")
        return req.redirect(to: "/compte", redirectType: .normal)
    }

    private func codesPage(_ req: Request, _ codes: [String], back: String, title: String) async throws -> Response {
        // Shown once, never cached: the page holds what replaces the phone.
        let response = try await req.guichet.renderer.html("account/recovery_codes", CodesPage(layout: try await Layout.make(req, title: title),
                                                                                               codes: codes, back: back))
        response.headers.replaceOrAdd(name: .cacheControl, value: "no-store")
        return response
    }
}
