import Foundation
import Identity
import Messaging
import OpenIDConnect
import Storage
import Vapor
import WebSupport
import Workflow

/// « S'identifier avec FranceConnect »: the trip to FranceConnect and back, then the account it opens by the
/// State's rules (`AccountLinking`): an account made from the identité pivot, an account linked without asking
/// when its declared identity matches the six fields, or linked once its password is typed.
struct FranceConnectController {
    static let attemptKey = "fc_attempt"
    static let pendingKey = "fc_pending"

    /// An identity waiting for the holder of an account to type its password.
    struct PendingLink: Codable {
        var identity: FederatedIdentity
        var until: Date
        var returnTo: String
    }

    func start(req: Request) async throws -> Response {
        let back = safeReturnPath(try? req.query.get(String.self, at: "retour"))
        return try await begin(req, purpose: .signIn, returnTo: back)
    }

    /// From « Identité FranceConnect », for the signed-in citizen (a form, so the link cannot be started by
    /// another site).
    func startLink(req: Request) async throws -> Response {
        _ = try await req.requireAccount()
        return try await begin(req, purpose: .link, returnTo: "/compte/franceconnect")
    }

    private func begin(_ req: Request, purpose: FederationAttempt.Purpose, returnTo: String) async throws -> Response {
        guard let franceConnect = req.guichet.franceConnect else { throw Abort(.notFound) }
        let attempt = FederationAttempt.begin(purpose: purpose, returnTo: returnTo, now: req.store.clock())
        req.session.data[Self.attemptKey] = try Self.encode(attempt)
        return req.redirect(to: attempt.authorizationURL(franceConnect.settings, redirectURI: req.guichet.url(FranceConnectSettings.callbackPath)),
                            redirectType: .normal)
    }

    func callback(req: Request) async throws -> Response {
        guard let franceConnect = req.guichet.franceConnect else { throw Abort(.notFound) }
        // One callback per attempt: a replayed address finds nothing.
        let attempt = req.hasSession ? req.session.data[Self.attemptKey].flatMap { Self.decode(FederationAttempt.self, $0) } : nil
        if attempt != nil { req.session.data[Self.attemptKey] = nil }
        guard let attempt else { return try await failed(req, .stateMismatch) }
        let query = (try? req.query.decode([String: String].self)) ?? [:]
        let identity: FederatedIdentity
        switch attempt.code(fromCallback: query, settings: franceConnect.settings, now: req.store.clock()) {
        case .failure(let failure): return try await failed(req, failure)
        case .success(let code):
            do { identity = try await franceConnect.identity(code: code, redirectURI: req.guichet.url(FranceConnectSettings.callbackPath), attempt: attempt) }
            catch { return try await failed(req, error) }
        }
        let current = attempt.purpose == .link ? try await req.account()?.id : nil
        if attempt.purpose == .link, current == nil { return try await failed(req, .expired) }
        let situation = try await req.store.linkingSituation(for: identity, currentAccount: current)
        switch AccountLinking.decide(situation, purpose: attempt.purpose) {
        case .signIn(let accountID):
            try await req.store.refreshFranceConnectIdentity(accountID: accountID, identity)
            return try await signIn(req, accountID: accountID, identity, then: attempt.returnTo)
        case .link(let accountID):
            return try await link(req, accountID: accountID, identity, then: attempt.returnTo,
                                  message: "Votre compte est maintenant relié à votre identité FranceConnect.")
        case .provePassword(let emailAccount):
            return try await askPassword(req, identity, emailAccount: emailAccount, returnTo: attempt.returnTo)
        case .create:
            return try await create(req, identity, returnTo: attempt.returnTo)
        case .refused(let message):
            return try await refused(req, message)
        }
    }

    /// The account holder proves it with the password, then confirms the link on `/franceconnect/relier`.
    private func askPassword(_ req: Request, _ identity: FederatedIdentity, emailAccount: String?, returnTo: String) async throws -> Response {
        req.session.data[Self.pendingKey] = try Self.encode(PendingLink(identity: identity, until: req.store.clock().addingTimeInterval(900), returnTo: returnTo))
        var location = "/compte/connexion?retour=/franceconnect/relier"
        if emailAccount != nil, let email = identity.email, let encoded = email.addingPercentEncoding(withAllowedCharacters: .alphanumerics) {
            location += "&courriel=" + encoded
            req.flash("Un compte Guichet existe déjà avec l'adresse \(email). Connectez-vous avec son mot de passe pour le relier à votre identité FranceConnect.")
        } else {
            req.flash("Plusieurs comptes Guichet déclarent cette identité. Connectez-vous avec le mot de passe de celui à relier à FranceConnect.")
        }
        return req.redirect(to: location, redirectType: .normal)
    }

    private func create(_ req: Request, _ identity: FederatedIdentity, returnTo: String) async throws -> Response {
        guard let email = identity.email, Email.isValid(email) else { return try await failed(req, .incompleteIdentity) }
        let account: Account
        do { account = try await req.store.createAccount(from: identity, email: email) }
        catch StoreError.conflict("email") { return try await askPassword(req, identity, emailAccount: email, returnTo: returnTo) }
        catch StoreError.conflict("linked") { return try await failed(req, .stateMismatch) }
        try await req.journal(.accountCreated, accountID: account.id, detail: "avec l'identité FranceConnect")
        let token = try await req.store.issueToken(accountID: account.id, purpose: .confirmEmail, lifetime: 48 * 3600)
        try await req.store.enqueue([Mails.confirmAccount(to: account.email, link: req.guichet.url("/compte/confirmer?jeton=\(token)"))])
        await req.guichet.mailQueued()
        req.flash("Votre compte a été créé avec votre identité FranceConnect. Confirmez votre adresse \(email) avec le lien qui vient de vous être envoyé.")
        return try await signIn(req, account: account, identity, then: returnTo)
    }

    private func link(_ req: Request, accountID: String, _ identity: FederatedIdentity, then back: String, message: String) async throws -> Response {
        do { try await req.store.linkFranceConnect(accountID: accountID, identity) }
        catch StoreError.conflict { return try await refused(req, "Cette identité FranceConnect ou ce compte est déjà relié ailleurs. Déliez-le d'abord.") }
        try await req.journal(.franceConnectLinked, accountID: accountID)
        req.flash(message)
        return try await signIn(req, accountID: accountID, identity, then: back)
    }

    private func signIn(_ req: Request, accountID: String, _ identity: FederatedIdentity, then back: String) async throws -> Response {
        guard let account = try await req.store.account(id: accountID) else { return try await failed(req, .stateMismatch) }
        return try await signIn(req, account: account, identity, then: back)
    }

    private func signIn(_ req: Request, account: Account, _ identity: FederatedIdentity, then back: String) async throws -> Response {
        guard !account.isDisabled else {
            return try await refused(req, "Ce compte est désactivé. Adressez-vous à l'administrateur de votre collectivité.")
        }
        if try await req.account()?.id != account.id {
            try await req.signIn(account, journal: .signInFranceConnect)
        }
        req.rememberFranceConnectSession(idToken: identity.idToken)
        return req.redirect(to: back, redirectType: .normal)
    }

    // MARK: linking after the password

    struct LinkPage {
        var layout: Layout
        var identity: IdentityRows
    }

    func linkForm(req: Request) async throws -> Response {
        _ = try await req.requireAccount()
        guard let pending = pending(req) else {
            return req.guichet.renderer.messagePage(try await Layout.make(req, title: "Lien expiré"), heading: "Rien à relier",
                message: "Aucune identité FranceConnect n'attend d'être reliée, ou la demande a expiré. Recommencez depuis « Identité FranceConnect ».",
                status: .notFound)
        }
        return req.guichet.renderer.html("franceconnect/link", LinkPage(layout: try await Layout.make(req, title: "Relier FranceConnect"),
                                                                        identity: IdentityRows(pending.identity.pivot)))
    }

    func confirmLink(req: Request) async throws -> Response {
        let account = try await req.requireAccount()
        guard let pending = pending(req) else { return try await linkForm(req: req) }
        req.session.data[Self.pendingKey] = nil
        return try await link(req, accountID: account.id, pending.identity, then: pending.returnTo == "/compte" ? "/compte/franceconnect" : pending.returnTo,
                              message: "Votre compte est maintenant relié à votre identité FranceConnect.")
    }

    private func pending(_ req: Request) -> PendingLink? {
        guard req.hasSession, let text = req.session.data[Self.pendingKey], let pending = Self.decode(PendingLink.self, text),
              pending.until > req.store.clock() else { return nil }
        return pending
    }

    // MARK: pages

    private func failed(_ req: Request, _ failure: FederationFailure) async throws -> Response {
        req.logger.warning("FranceConnect sign-in failed: \(failure.detail)")
        return req.guichet.renderer.messagePage(try await Layout.make(req, title: "Connexion avec FranceConnect"),
            heading: "Connexion avec FranceConnect interrompue", message: failure.message,
            status: failure == .cancelled ? .ok : failure == .unreachable ? .badGateway : .badRequest)
    }

    private func refused(_ req: Request, _ message: String) async throws -> Response {
        req.guichet.renderer.messagePage(try await Layout.make(req, title: "Connexion avec FranceConnect"),
            heading: "Liaison avec FranceConnect refusée", message: message, status: .conflict)
    }

    func loggedOut(req: Request) async throws -> Response {
        let expected = req.cookies[FranceConnectLogout.cookie]?.string
        let returned = (try? req.query.get(String.self, at: "state")) ?? ""
        let response = req.redirect(to: "/", redirectType: .normal)
        if let expected, !returned.isEmpty, expected == returned { req.flash("Vous êtes déconnecté de Guichet et de FranceConnect.") }
        response.cookies[FranceConnectLogout.cookie] = .expired
        return response
    }

    static func encode(_ value: some Encodable) throws -> String { String(decoding: try JSONEncoder().encode(value), as: UTF8.self) }
    static func decode<T: Decodable>(_ type: T.Type, _ text: String) -> T? { try? JSONDecoder().decode(type, from: Data(text.utf8)) }
}

/// The six fields as the citizen reads them.
struct IdentityRows {
    var givenName: String, familyName: String, birthdate: String, gender: String, birthplace: String, birthcountry: String

    init(_ pivot: PivotIdentity) {
        givenName = pivot.givenName; familyName = pivot.familyName; birthdate = FrenchDate.isoDay(pivot.birthdate) ?? pivot.birthdate
        gender = pivot.gender == "female" ? "Féminin" : "Masculin"
        birthplace = pivot.birthplace.isEmpty ? "né·e à l'étranger" : "commune \(pivot.birthplace)"
        birthcountry = pivot.birthcountry == "99100" ? "France" : "pays \(pivot.birthcountry)"
    }
}
