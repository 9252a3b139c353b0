import Foundation
import Vapor

extension Request {
    /// Whether this session's sign-in went through the account's second factor (or turned it on): what the
    /// back-office asks of every agent.
    public var secondFactorDone: Bool { hasSession && session.data["second_factor"] == "1" }

    /// Marks the sign-in as made with the second factor (after `signIn`, which starts a new session).
    public func markSecondFactorDone() { session.data["second_factor"] = "1" }

    /// Where an agent whose session has no second factor goes first: to type a code, or to set one up.
    func secondFactorRedirect() -> Redirect {
        let back = url.path.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "/-._~"))) ?? "/bo"
        return Redirect(location: "/compte/double-authentification?retour=\(back)")
    }
}
