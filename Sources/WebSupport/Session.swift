import Identity
import Storage
import Vapor

struct AccountKey: StorageKey { typealias Value = Account }

extension Request {
    /// The signed-in account, loaded once per request from the server-side session. A session opened under an
    /// earlier epoch (the password changed since, the agent was disabled) or for a disabled account is over.
    public func account() async throws -> Account? {
        if let cached = storage[AccountKey.self] { return cached }
        guard hasSession, let id = session.data["account"], let account = try await store.account(id: id) else { return nil }
        guard !account.isDisabled, session.data["epoch"] == String(account.sessionEpoch) else {
            session.destroy()
            return nil
        }
        storage[AccountKey.self] = account
        return account
    }

    public func requireAccount() async throws -> Account {
        guard let account = try await account() else { throw Redirect.signIn(self) }
        return account
    }

    /// Signs the account in under a new session id (so an id planted before sign-in is worthless), keeping the
    /// session's other data (flash messages, receipts) and issuing a new CSRF token.
    /// Opens a session for `account`; `journal` is the line its security journal gets (none after a new password,
    /// which has its own).
    public func signIn(_ account: Account, journal kind: SecurityEvent.Kind?, detail: String? = nil) async throws {
        if let old = session.id {
            try await application.sessions.driver.deleteSession(old, for: self).get()
            session.id = nil
        }
        session.data["account"] = account.id
        session.data["epoch"] = String(account.sessionEpoch)
        // For the identity provider: when the password was typed (`auth_time`, `max_age`, `prompt=login`), and
        // which sign-in this is (`sid`: its applications are logged out with it).
        session.data["auth_time"] = String(Int64(store.clock().timeIntervalSince1970))
        session.data["sid"] = Secret.token()
        storage[MintedNonceKey.self] = Secret.token()  // forms opened before sign-in are refused after it
        storage[AccountKey.self] = account
        try await store.recordSignIn(accountID: account.id, journal: kind.map { securityEvent($0, accountID: account.id, detail: detail) })
    }

    /// When the signed-in account typed its password in this session, and the sign-in's identifier; nil when
    /// nobody is signed in.
    public func signInSession() async throws -> (account: Account, authTime: Date, sid: String)? {
        guard let account = try await account(), let time = session.data["auth_time"].flatMap(Int64.init),
              let sid = session.data["sid"] else { return nil }
        return (account, Date(timeIntervalSince1970: Double(time)), sid)
    }

    public func signOut() {
        session.destroy()
        storage[AccountKey.self] = nil
    }

    /// A one-time message shown on the next page.
    public func flash(_ message: String) { session.data["flash"] = message }

    func takeFlash() -> String? {
        guard hasSession, let message = session.data["flash"] else { return nil }
        session.data["flash"] = nil
        return message
    }
}

/// Thrown to send the browser elsewhere, e.g. to the sign-in page with a return address.
struct Redirect: Error, AbortError {
    public let location: String
    public var status: HTTPResponseStatus { .seeOther }
    public var headers: HTTPHeaders { ["Location": location] }
    public var reason: String { "redirect" }

    public static func signIn(_ req: Request) -> Redirect {
        let back = req.url.path.addingPercentEncoding(withAllowedCharacters: .urlQueryAllowed) ?? "/"
        return Redirect(location: "/compte/connexion?retour=\(back)")
    }
}

/// Keeps only local paths as return addresses, so sign-in cannot be used to bounce people to another site. Only
/// visible ASCII is kept: browsers drop tabs and line breaks from a URL, so `/\t/evil.example` would become the
/// other site's `//evil.example`, and a backslash reads as a slash; our own paths are percent-encoded anyway.
public func safeReturnPath(_ path: String?) -> String {
    guard let path, path.hasPrefix("/"), !path.hasPrefix("//"),
          path.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F && $0 != UInt8(ascii: "\\") }) else { return "/compte" }
    return path
}
