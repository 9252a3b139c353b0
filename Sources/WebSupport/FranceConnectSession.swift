import Identity
import OpenIDConnect
import Vapor

/// A sign-in that came through FranceConnect ends through it: signing out of Guichet goes on to FranceConnect's
/// session end (with the ID token as hint and a `state` kept in a short cookie, the Guichet session being gone
/// by then), which sends the browser back to `/franceconnect/deconnexion-terminee`.
public enum FranceConnectLogout {
    public static let cookie = "guichet_fc_logout"
    static let idTokenKey = "fc_id_token"
}

extension Request {
    /// Remembers that this session's sign-in came through FranceConnect (the ID token is the logout's hint). The
    /// pages' « Se déconnecter » form then ends at FranceConnect, so their CSP allows it.
    public func rememberFranceConnectSession(idToken: String) {
        session.data[FranceConnectLogout.idTokenKey] = idToken
    }

    /// The sign-out's answer: FranceConnect's session end when this sign-in came through it, nil otherwise.
    /// Read before the session is destroyed, answered after.
    public func franceConnectLogout(idToken: String?) -> Response? {
        guard let idToken, let franceConnect = guichet.franceConnect else { return nil }
        let state = Secret.token()
        let response = redirect(to: franceConnect.settings.endSessionURL(
            idTokenHint: idToken, state: state, postLogoutRedirectURI: guichet.url(FranceConnectSettings.logoutCallbackPath)), redirectType: .normal)
        response.cookies[FranceConnectLogout.cookie] = HTTPCookies.Value(string: state, maxAge: 900, path: "/franceconnect",
                                                                         isSecure: guichet.baseURL.hasPrefix("https://"), isHTTPOnly: true, sameSite: .lax)
        return response
    }

    public var franceConnectIDToken: String? { hasSession ? session.data[FranceConnectLogout.idTokenKey] : nil }
}
