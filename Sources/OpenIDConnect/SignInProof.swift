/// How the person in front of the browser proved who they are, as the ID token tells applications (`amr`).
public enum SignInProof: Sendable, Equatable {
    case password
    /// The password, then the authenticator's code (or a recovery code).
    case passwordAndCode
    /// FranceConnect's chosen provider did it: what it used is its own to say, so Guichet claims nothing.
    case franceConnect

    /// The RFC 8176 method values; nil where nothing is claimed.
    public var methods: [String]? {
        switch self {
        case .password: ["pwd"]
        case .passwordAndCode: ["pwd", "otp", "mfa"]
        case .franceConnect: nil
        }
    }
}
