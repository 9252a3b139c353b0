import Foundation

/// One line of an account's security journal: what happened, when, from which address and device. The account
/// holder reads theirs (« Journal de sécurité »); the Métropole's admins search them all.
public struct SecurityEvent: Sendable, Equatable {
    public enum Kind: String, Sendable, CaseIterable {
        case signIn = "connexion"
        case signInFranceConnect = "connexion_franceconnect"
        case signInRefused = "mot_de_passe_refuse"
        case accountCreated = "compte_cree"
        case passwordChanged = "mot_de_passe_change"
        case franceConnectLinked = "franceconnect_relie"
        case franceConnectUnlinked = "franceconnect_delie"
        case sessionEnded = "session_fermee"
        case otherSessionsEnded = "autres_sessions_fermees"
        case applicationDisconnected = "application_deconnectee"
        case secondFactorEnabled = "double_authentification_activee"
        case secondFactorDisabled = "double_authentification_desactivee"
        case secondFactorRefused = "code_refuse"
        case recoveryCodeUsed = "code_de_secours_utilise"
        case recoveryCodesRenewed = "codes_de_secours_renouveles"
        case emailChanged = "adresse_changee"
        case accountDeleted = "compte_supprime"

        /// As the journal says it to the account holder.
        public var french: String {
            switch self {
            case .signIn: "Connexion avec le mot de passe"
            case .signInFranceConnect: "Connexion avec FranceConnect"
            case .signInRefused: "Mot de passe refusé"
            case .accountCreated: "Compte créé"
            case .passwordChanged: "Mot de passe changé"
            case .franceConnectLinked: "Compte relié à FranceConnect"
            case .franceConnectUnlinked: "Compte délié de FranceConnect"
            case .sessionEnded: "Session fermée à distance"
            case .otherSessionsEnded: "Autres sessions fermées"
            case .applicationDisconnected: "Application déconnectée"
            case .secondFactorEnabled: "Double authentification activée"
            case .secondFactorDisabled: "Double authentification désactivée"
            case .secondFactorRefused: "Code de double authentification refusé"
            case .recoveryCodeUsed: "Code de secours utilisé"
            case .recoveryCodesRenewed: "Codes de secours renouvelés"
            case .emailChanged: "Adresse e-mail changée"
            case .accountDeleted: "Compte supprimé"
            }
        }

        /// Worth the holder's attention when they did not do it themselves.
        public var isAlert: Bool {
            [.signInRefused, .passwordChanged, .emailChanged, .franceConnectUnlinked, .secondFactorDisabled, .secondFactorRefused, .recoveryCodeUsed].contains(self)
        }
    }

    public var accountID: String
    public var at: Date
    public var kind: Kind
    /// The client's address as the server resolved it (behind the trusted proxies).
    public var ip: String?
    /// A short label of the browser and system (`DeviceLabel`), never the raw User-Agent.
    public var device: String?
    /// A detail the kind needs (the application disconnected), bounded to 200 characters.
    public var detail: String?

    public init(accountID: String, at: Date, kind: Kind, ip: String? = nil, device: String? = nil, detail: String? = nil) {
        self.accountID = accountID
        self.at = at
        self.kind = kind
        self.ip = ip.map { String($0.prefix(64)) }
        self.device = device.map { String($0.prefix(80)) }
        self.detail = detail.map { String($0.prefix(200)) }
    }
}
