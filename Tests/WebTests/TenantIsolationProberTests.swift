import Foundation
import GuichetTestSupport
import SQLKit
import Storage
import Vapor
import XCTest

/// Every route the app registers, tried by those who must not reach a commune's data: anonymous, a signed-in
/// citizen, and an agent who is admin of another commune (by page and by API token). Each route is tried with the
/// victim's collectivité in the address and with the prober's own, the victim's identifiers (request number, file,
/// agent, démarche) everywhere else. No answer may show the victim's private data, and no row of the victim's may
/// change. New routes are probed without anyone listing them.
final class TenantIsolationProberTests: XCTestCase {
    var guichet: TestGuichet!
    override func setUp() async throws { guichet = try await TestGuichet.make() }
    override func tearDown() async throws { try await guichet.shutdown() }

    static let victim = "caluire-et-cuire", own = "bron"
    /// Private data of the victim's request: shown to its agents and its filer only.
    static let secrets = ["victime.marqueur@exemple.fr", "MARQUEUR-PRIVE-7731"]

    struct Prober {
        let name: String
        let browser: Browser
        var apiHeaders: HTTPHeaders = [:]
    }

    func testNoOneReadsOrChangesAnotherCollectivitesData() async throws {
        let victim = try await victimData()
        let probers = try await makeProbers()
        let before = try await victimRows(victim.ids)
        XCTAssertGreaterThan(before.count, 10, "the snapshot covers the victim's rows")

        var probes = 0, leaks: [String] = []
        for route in guichet.app.routes.all {
            let path = route.path.map(\.description)
            for slug in [Self.victim, Self.own] {
                if slug == Self.victim && Self.publicFiling(route.method, path) { continue }
                let address = "/" + path.map { component -> String in
                    guard component.hasPrefix(":") || component == "**" || component == "*" else { return component }
                    return victim.parameter(String(component.dropFirst()), slug: slug)
                }.joined(separator: "/")
                for prober in probers {
                    let page = try await send(route.method, address, as: prober, tracking: victim.wrongCode)
                    probes += 1
                    if page.status.code >= 500 { leaks.append("\(prober.name) \(route.method) \(address): \(page.status.code)") }
                    for secret in Self.secrets + [victim.trackingCode] where page.body.contains(secret) {
                        leaks.append("\(prober.name) \(route.method) \(address) shows \(secret)")
                    }
                }
            }
        }
        let after = try await victimRows(victim.ids)
        let changed = before.symmetricDifference(after)
        print("tenant isolation prober: \(probes) probes of \(guichet.app.routes.all.count) routes, \(leaks.count) leaks, \(changed.count) rows changed")
        XCTAssertGreaterThan(probes, 500)
        XCTAssertEqual(leaks, [])
        XCTAssertEqual(changed.sorted(), [], "no row of the victim's changes")

        // The same probes would see a leak: the victim's own agent reads the secrets, and a comment changes a row.
        let insider = guichet.browser()
        _ = try await insider.signIn("agent@\(Self.victim).demo.fr", password: "Guichet-Demo-2026!")
        let page = try await insider.get("/bo/\(Self.victim)/demandes/\(victim.number)")
        XCTAssertTrue(Self.secrets.allSatisfy(page.contains), "the markers are what the request page shows")
        let file = try await insider.get("/bo/\(Self.victim)/demandes/\(victim.number)/fichiers/\(victim.fileID)")
        XCTAssertEqual(file.status, .ok, "the file route was probed with a real file")
        try await insider.post("/bo/\(Self.victim)/demandes/\(victim.number)/commentaire", [("texte", "vu")])
        let commented = try await victimRows(victim.ids)
        XCTAssertNotEqual(commented, after, "a change of the victim's rows shows in the snapshot")
    }

    /// Filing with any collectivité is the public's right: it adds a request, reading or changing nothing. These
    /// routes are probed with the prober's own collectivité only.
    static func publicFiling(_ method: HTTPMethod, _ path: [String]) -> Bool {
        method == .POST && (path.starts(with: ["c", ":slug", "demarches", ":demarche"]) && path.count <= 5
                            || path.last == "demandes" && path.starts(with: ["api", "v1", "collectivites"]))
    }

    struct Victim {
        var number: String, trackingCode: String, fileID: String, accountID: String, demarche: String
        var ids: [String]
        let wrongCode = "ZZZZ-ZZZZ"

        func parameter(_ name: String, slug: String) -> String {
            switch name {
            case "slug": slug
            case "number": number
            case "file": fileID
            case "account": accountID
            case "demarche": demarche
            case "version": "1"
            case "index": "0"
            default: "x"
            }
        }
    }

    /// A request at the victim's, with a file and an agent's comment; its ids, and its collectivité's agents'.
    func victimData() async throws -> Victim {
        let api = guichet.browser()
        let filed = try await api.json(.POST, "/api/v1/collectivites/\(Self.victim)/demarches/signalement-espace-public/demandes", ["data": [
            "categorie": "tag", "description": Self.secrets[1], "adresse": ["street": "1 rue A", "postcode": "69300", "city": "Caluire-et-Cuire"],
            "nom": "Victime", "email": Self.secrets[0], "consentement": true,
            "photo": [["filename": "photo.png", "content_base64": Self.onePixelPNG]]]])
        XCTAssertEqual(filed.status, .created, filed.body)
        let number = try XCTUnwrap(filed.body.firstMatch(of: /"number":"([A-Z0-9-]+)"/)).1.description
        let code = try XCTUnwrap(filed.body.firstMatch(of: /"tracking_?[cC]ode":"([A-Z0-9-]+)"/)).1.description
        let agent = try await XCTUnwrapAsync(try await guichet.agentScope("agent@\(Self.victim).demo.fr", Self.victim))
        let detail = try await XCTUnwrapAsync(try await guichet.store.demande(number: number, in: agent))
        let account = try await XCTUnwrapAsync(try await guichet.store.account(email: "agent@\(Self.victim).demo.fr"))
        let sql = guichet.app.db as! any SQLDatabase
        struct ID: Decodable { var id: String }
        let demarches = try await sql.raw("SELECT id FROM demarches WHERE collectivite = \(bind: Self.victim)").all(decoding: ID.self).map(\.id)
        let agents = try await sql.raw("SELECT account_id AS id FROM agent_roles WHERE collectivite = \(bind: Self.victim)").all(decoding: ID.self).map(\.id)
        return Victim(number: number, trackingCode: code, fileID: detail.files.first?.id ?? "x", accountID: account.id,
                      demarche: "signalement-espace-public", ids: [Self.victim, detail.id, number] + demarches + agents)
    }

    func makeProbers() async throws -> [Prober] {
        let anonymous = guichet.browser()
        try await anonymous.get("/")
        let citizen = guichet.browser()
        _ = try await citizen.signIn("usager@demo.fr", password: "Guichet-Demo-2026!")
        let account = try await XCTUnwrapAsync(try await guichet.store.account(email: "agent@\(Self.own).demo.fr"))
        try await guichet.store.grantRoles(accountID: account.id, collectivite: Self.own, roles: ["admin"])
        let admin = guichet.browser()
        _ = try await admin.signIn("agent@\(Self.own).demo.fr", password: "Guichet-Demo-2026!")
        let scope = try await XCTUnwrapAsync(try await guichet.agentScope("agent@\(Self.own).demo.fr", Self.own))
        let token = try await guichet.store.issueAPIToken(label: "sonde", days: 30, access: .ecriture, in: scope)
        var withToken = Prober(name: "jeton de \(Self.own)", browser: guichet.browser())
        withToken.apiHeaders.bearerAuthorization = BearerAuthorization(token: token)
        return [Prober(name: "anonyme", browser: anonymous), Prober(name: "usager", browser: citizen),
                Prober(name: "admin de \(Self.own)", browser: admin), withToken]
    }

    /// Forms get a bag of the fields the back-office's forms take; the API gets the same as JSON, with the
    /// prober's token and a wrong tracking code.
    func send(_ method: HTTPMethod, _ address: String, as prober: Prober, tracking: String) async throws -> Browser.Page {
        let fields = [("transition", "prendre"), ("action", "rappel"), ("texte", "intrusion"), ("commentaire", "intrusion"),
                      ("roles", "admin"), ("email", "intrus@exemple.fr"), ("nom", "Intrus"), ("numero", "x"), ("code", tracking),
                      ("jeton", "x"), ("publie", "0"), ("online", "0"), ("revision", "1"), ("statut", "cloture")]
        if address.hasPrefix("/api/") {
            var headers = prober.apiHeaders
            headers.replaceOrAdd(name: "X-Tracking-Code", value: tracking)
            let body: Any? = method == .GET ? nil : Dictionary(fields, uniquingKeysWith: { a, _ in a })
            return try await prober.browser.json(method, address, body, headers: headers)
        }
        switch method {
        case .GET: return try await prober.browser.get(address)
        default: return try await prober.browser.post(address, fields)
        }
    }

    /// Every row of every table that names the victim (its collectivité, request, démarches or agents), as text.
    /// Sessions and the outbox are the platform's, and reset links may be asked for any address: left out.
    func victimRows(_ ids: [String]) async throws -> Set<String> {
        let sql = guichet.app.db as! any SQLDatabase
        let tables = try await tableNames(sql).filter { !["sessions", "outbox", "tokens", "_fluent_migrations"].contains($0) }
        var rows = Set<String>()
        for table in tables {
            for row in try await sql.raw("SELECT * FROM \(ident: table)").all() {
                let values = row.allColumns.sorted().map { column in "\(column)=\(Self.text(row, column))" }
                let line = table + ": " + values.joined(separator: ", ")
                if ids.contains(where: { id in values.contains { $0.contains(id) } }) { rows.insert(line) }
            }
        }
        return rows
    }

    func tableNames(_ sql: any SQLDatabase) async throws -> [String] {
        struct Name: Decodable { var name: String }
        let query: SQLQueryString = sql.dialect.name == "postgresql"
            ? "SELECT tablename AS name FROM pg_tables WHERE schemaname = 'public'"
            : "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        return try await sql.raw(query).all(decoding: Name.self).map(\.name)
    }

    static let onePixelPNG = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="

    static func text(_ row: any SQLRow, _ column: String) -> String {
        if (try? row.decodeNil(column: column)) == true { return "NULL" }
        if let s = try? row.decode(column: column, as: String.self) { return s }
        if let i = try? row.decode(column: column, as: Int64.self) { return String(i) }
        if let d = try? row.decode(column: column, as: Double.self) { return String(d) }
        if let b = try? row.decode(column: column, as: Bool.self) { return String(b) }
        if let data = try? row.decode(column: column, as: Data.self) { return data.base64EncodedString() }
        return "?"
    }
}
