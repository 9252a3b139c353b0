import Foundation
import Identity
import Messaging
import Storage
import Vapor

/// What every HTTP handler needs, set once at start-up.
public struct GuichetContext: Sendable {
    public let store: Store
    public let renderer: Renderer
    /// The public address of this instance, for links in e-mails ("https://guichet.example.fr").
    public let baseURL: String
    /// Password guesses, per account and client address.
    public let signInThrottle: AttemptThrottle
    /// Tracking-code guesses, per request number and client address.
    public let codeThrottle: AttemptThrottle
    /// Checks passwords in constant work whether the account exists.
    public let passwordCheck: PasswordCheck
    /// The reverse proxies whose `X-Forwarded-For` is believed (`ClientAddress`).
    public let trustedProxies: [IPNetwork]
    /// The keys webhook and connector receivers verify signatures with, for admins to read.
    public let signingKeys: WebhookKeys
    /// The key a collectivité's webhook receivers verify signatures with.
    public func webhookKey(_ collectivite: String) -> String { signingKeys.key(for: collectivite) }
    /// The forms' anti-forgery tokens (`CSRF`).
    public let formTokens: FormTokens
    /// Tells the outbox worker that a commit queued mail, so it is sent now rather than at its next poll.
    public let mailQueued: @Sendable () async -> Void
    /// How long drafts and delivered messages are kept, in days, as configured: the privacy page says it.
    public let retention: (draftDays: Int, messageDays: Int)
    /// FranceConnect, when configured (`GUICHET_FRANCECONNECT`): the sign-in pages then offer it.
    public let franceConnect: FranceConnectClient?
    /// Where every relay e-mail goes instead of the town halls' real addresses (`GUICHET_RELAY_TO`): a test or
    /// training server must not write to 58 real mairies.
    public let relayRecipientOverride: String?

    public init(store: Store, renderer: Renderer, baseURL: String, signInThrottle: AttemptThrottle, codeThrottle: AttemptThrottle, passwordCheck: PasswordCheck,
                trustedProxies: [IPNetwork], signingKeys: WebhookKeys, formTokens: FormTokens,
                mailQueued: @escaping @Sendable () async -> Void, retention: (draftDays: Int, messageDays: Int),
                franceConnect: FranceConnectClient? = nil, relayRecipientOverride: String? = nil) {
        self.store = store; self.renderer = renderer; self.baseURL = baseURL; self.signInThrottle = signInThrottle; self.codeThrottle = codeThrottle
        self.passwordCheck = passwordCheck; self.trustedProxies = trustedProxies
        self.signingKeys = signingKeys; self.formTokens = formTokens; self.mailQueued = mailQueued; self.retention = retention
        self.franceConnect = franceConnect; self.relayRecipientOverride = relayRecipientOverride
    }

    public func url(_ path: String) -> String { baseURL + path }
}

struct GuichetContextKey: StorageKey { typealias Value = GuichetContext }

extension Application {
    public var guichet: GuichetContext {
        get { storage[GuichetContextKey.self]! }
        set { storage[GuichetContextKey.self] = newValue }
    }
}

extension Request {
    public var guichet: GuichetContext { application.guichet }
    public var store: Store { application.guichet.store }
}
