import Foundation

/// Parsed from `SMTP_URL`: `smtp://[user:password@]host[:port][?starttls=auto|always|never][&verify=false]`,
/// or `smtps://…` for TLS from the first byte (port 465).
public struct SMTPConfiguration: Sendable, Equatable {
    public enum StartTLS: String, Sendable { case auto, always, never }

    public var host: String
    public var port: Int
    public var implicitTLS: Bool
    public var startTLS: StartTLS
    public var verifyCertificates: Bool
    public var username: String?
    public var password: String?
    var heloName: String

    public init?(url text: String, heloName: String = "guichet.localhost") {
        guard let components = URLComponents(string: text), let scheme = components.scheme,
              scheme == "smtp" || scheme == "smtps", let host = components.host, !host.isEmpty else { return nil }
        let query = Dictionary((components.queryItems ?? []).map { ($0.name, $0.value ?? "") }, uniquingKeysWith: { $1 })
        implicitTLS = scheme == "smtps"
        self.host = host
        port = components.port ?? (implicitTLS ? 465 : 25)
        guard let mode = StartTLS(rawValue: query["starttls"] ?? "auto") else { return nil }
        startTLS = implicitTLS ? .never : mode
        verifyCertificates = query["verify"] != "false"
        username = components.user?.removingPercentEncoding
        password = components.password?.removingPercentEncoding
        self.heloName = heloName
    }
}
