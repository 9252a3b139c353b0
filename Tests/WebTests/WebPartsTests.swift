import Foundation
import GuichetTestSupport
import Vapor
@testable import WebSupport
import XCTest

/// Each web part owns its templates and static files; the server reads every part's at start-up.
final class WebPartsTests: XCTestCase {
    /// The layout's style sheet (WebSupport) and the portal's scripts (PortalWeb) are both served, byte for byte;
    /// a path that climbs out of the folders is refused and an unknown one is not found.
    func testEveryPartsStaticFilesAreServed() async throws {
        let guichet = try await TestGuichet.make(seed: false)
        let browser = guichet.browser()
        let css = try await browser.get("/static/guichet.css")
        XCTAssertEqual(css.status, .ok)
        XCTAssertEqual(css.headers.contentType, .css)
        XCTAssertTrue(css.body.contains("body"), css.body)
        let script = try await browser.get("/static/conditions.js")
        XCTAssertEqual(script.status, .ok)
        XCTAssertTrue(script.body.contains("form[data-live]"), "the portal's live-conditions script")
        for path in ["/static/../Package.swift", "/static/%2e%2e/%2e%2e/Package.swift"] {
            let page = try await browser.get(path)
            XCTAssertEqual(page.status, .forbidden, path)
        }
        let unknown = try await browser.get("/static/nope.js").status
        XCTAssertEqual(unknown, .notFound)
        try await guichet.shutdown()
    }

    /// Templates of several folders form one library (a part's page extends WebSupport's layout), and a name two
    /// folders both define is refused at start-up rather than one page silently hiding the other.
    /// An address no route takes gets the site's French page for people, a problem document for the API.
    func testUnknownAddressesGetTheSitesErrorPageOrAProblem() async throws {
        let guichet = try await TestGuichet.make(seed: false)
        do {
            let browser = guichet.browser()
            for path in ["/page-inconnue", "/c/nulle-part/rien", "/inconnu/page"] {
                let page = try await browser.get(path)
                XCTAssertEqual(page.status, .notFound, path)
                XCTAssertEqual(page.headers.contentType?.subType, "html", path)
                XCTAssertTrue(page.contains("<h1>Page introuvable</h1>") && page.contains("lang=\"fr\""), page.body)
                XCTAssertFalse(page.contains("\"error\":true"), path)
            }
            let api = try await browser.get("/api/v1/inconnu")
            XCTAssertEqual(api.status, .notFound)
            XCTAssertTrue(api.headers.first(name: .contentType)?.hasPrefix("application/problem+json") == true)
        } catch { try await guichet.shutdown(); throw error }
        try await guichet.shutdown()
    }

    func testTemplatesFromSeveralFoldersAndNameClashes() throws {
        let shared = try folder(["layout.mustache": "<main>{{$content}}{{/content}}</main>"])
        let part = try folder(["grc/page.mustache": "{{<layout}}{{$content}}Bonjour {{name}}{{/content}}{{/layout}}"])
        let renderer = try Renderer.load(folders: [shared, part])
        struct Model { var name: String }
        let response = renderer.html("grc/page", Model(name: "Camille"))
        XCTAssertEqual(response.body.string, "<main>Bonjour Camille</main>")
        let clash = try folder(["grc/page.mustache": "autre"])
        XCTAssertThrowsError(try Renderer.load(folders: [shared, part, clash])) { error in
            XCTAssertTrue("\(error)".contains("grc/page"), "\(error)")
        }
    }

    func testStaticFileClashesAreRefused() throws {
        let one = try folder(["static/a.js": "1"]), two = try folder(["static/a.js": "2"]), three = try folder(["static/b.js": "3"])
        XCTAssertThrowsError(try StaticFiles(folders: [one, two]))
        let files = try StaticFiles(folders: [one, three]).files
        XCTAssertEqual(Set(files.keys), ["/static/a.js", "/static/b.js"])
    }

    private func folder(_ files: [String: String]) throws -> URL {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("webparts-\(UUID().uuidString)")
        for (path, text) in files {
            let file = root.appendingPathComponent(path)
            try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
            try text.write(to: file, atomically: true, encoding: .utf8)
        }
        addTeardownBlock { try? FileManager.default.removeItem(at: root) }
        return root
    }
}

/// The access log writes every request's path, but never a secret one carries.
final class AccessLogTests: XCTestCase {
    /// The portal's resume link carries its secret in the path: the route names it `:secret`, and the log masks it.
    func testTheDraftResumeSecretIsMaskedInTheAccessLog() async throws {
        let guichet = try await TestGuichet.make(seed: false)
        let resume = try XCTUnwrap(guichet.app.routes.all.first { $0.path.last?.description == ":secret" && $0.path.contains("reprendre") },
                                   "the resume link's route names its secret")
        let line = AccessLog.masked("/c/bron/demarches/signalement-espace-public/reprendre/s3cr3t-Value_42", route: resume.path)
        XCTAssertEqual(line, "/c/bron/demarches/signalement-espace-public/reprendre/…")
        XCTAssertFalse(line.contains("s3cr3t"))
        let inbox = try XCTUnwrap(guichet.app.routes.all.first { $0.path.map(\.description) == ["bo", ":slug", "demandes"] })
        XCTAssertEqual(AccessLog.masked("/bo/bron/demandes", route: inbox.path), "/bo/bron/demandes", "other paths are written as they are")
        XCTAssertEqual(AccessLog.masked("/c/caluire-et-cuire/d%C3%A9marches", route: nil), "/c/caluire-et-cuire/démarches")
        try await guichet.shutdown()
    }
}
