import Foundation
import GuichetTestSupport
import WebSupport
import Vapor
import XCTest

/// The spine over HTTP: a citizen files on Caluire-et-Cuire's portal, an agent moves the request, the citizen sees it.
final class CitizenFlowTests: XCTestCase {
    var guichet: TestGuichet!
    override func setUp() async throws { guichet = try await TestGuichet.make() }
    override func tearDown() async throws { try await guichet.shutdown() }

    static let form = "/c/caluire-et-cuire/demarches/signalement-espace-public"
    static let png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13]
    static let valid: [(String, String)] = [
        ("action", "envoyer"), ("categorie", "eclairage"), ("gravite", "pietons"), ("gravite", "circulation"),
        ("description", "Lampadaire éteint depuis une semaine"), ("adresse.street", "12 rue Pasteur"),
        ("adresse.postcode", "69300"), ("adresse.city", "Caluire-et-Cuire"), ("date_constat", "2026-11-02"),
        ("nom", "Jeanne Martin"), ("email", "jeanne@exemple.fr"), ("telephone", "0478000000"), ("consentement", "on"),
    ]

    static func fileValidRequest(_ browser: Browser) async throws -> (number: String, code: String) {
        try await browser.get(Self.form)
        let sent = try await browser.postMultipart(Self.form, Self.valid, files: [("photo", "lampadaire.png", Self.png)])
        XCTAssertEqual(sent.status, .seeOther)
        let receipt = try await browser.get(try XCTUnwrap(sent.location))
        let number = try XCTUnwrap(receipt.text(id: "numero"))
        // The acknowledgement of receipt, on the page and as a PDF for whoever filed it.
        XCTAssertTrue(receipt.contains("Accusé de réception") && receipt.contains("Service chargé de la demande"))
        let pdf = try await browser.get("/suivi/\(number)/accuse.pdf")
        XCTAssertEqual(pdf.status, .ok)
        XCTAssertTrue(pdf.body.hasPrefix("%PDF-"))
        return (number, try XCTUnwrap(receipt.text(id: "code-suivi")))
    }

    /// A report filed with Caluire at an address in Lyon: refused beside the address, pointing to Lyon, until the
    /// citizen confirms the address; an address in Caluire goes through at once (`fileValidRequest`).
    func testAnAddressInAnotherCommuneIsPointedToItsCollectivite() async throws {
        let citizen = guichet.browser()
        try await citizen.get(Self.form)
        let inLyon = Self.valid.map { $0.0 == "adresse.city" ? ($0.0, "LYON 3E") : $0 }
        let refused = try await citizen.postMultipart(Self.form, inLyon, files: [("photo", "lampadaire.png", Self.png)])
        XCTAssertEqual(refused.status, .unprocessableEntity)
        XCTAssertTrue(refused.fieldErrors["adresse"]?.hasPrefix("Cette adresse est à Lyon, or cette démarche est celle de Caluire-et-Cuire") == true,
                      "\(refused.fieldErrors)")
        XCTAssertTrue(refused.contains("<a href=\"/c/lyon/\">Voir les démarches de Lyon</a>"))
        XCTAssertTrue(refused.contains("name=\"adresse._lieu\" value=\"oui\">"), "the box to confirm, unticked")
        let outbox = try await guichet.outbox()
        XCTAssertTrue(outbox.isEmpty, "nothing filed")
        let confirmed = try await citizen.postMultipart(Self.form, inLyon + [("adresse._lieu", "oui")], files: [("photo", "lampadaire.png", Self.png)])
        XCTAssertEqual(confirmed.status, .seeOther, confirmed.body)
    }

    func testTheWholeSpine() async throws {
        let citizen = guichet.browser()
        let (number, code) = try await Self.fileValidRequest(citizen)
        XCTAssertTrue(number.hasPrefix("CAL-"), number)
        let outbox = try await guichet.outbox()
        let receiptMail = try XCTUnwrap(outbox.first)
        XCTAssertEqual(receiptMail.to, "jeanne@exemple.fr")
        XCTAssertTrue(receiptMail.text.contains(number) && receiptMail.text.contains(code))
        XCTAssertTrue(receiptMail.text.contains("Service chargé de la demande : Caluire-et-Cuire") && receiptMail.text.contains("Délai de réponse : "),
                      "the acknowledgement's legal lines: \(receiptMail.text)")

        let agent = guichet.browser()
        let signedIn = try await agent.signIn("agent@caluire-et-cuire.demo.fr", password: "Guichet-Demo-2026!")
        XCTAssertEqual(signedIn.status, .seeOther)
        let inbox = try await agent.get("/bo/caluire-et-cuire/demandes")
        XCTAssertTrue(inbox.contains(number))
        let page = try await agent.get("/bo/caluire-et-cuire/demandes/\(number)")
        XCTAssertEqual(page.text(id: "statut"), "Reçue")
        XCTAssertTrue(page.contains(">Prendre en charge</button>") && page.contains(">Classer sans suite</button>"))
        XCTAssertFalse(page.contains(">Marquer comme résolu</button>"), "not from this status")
        XCTAssertTrue(page.contains("Lampadaire éteint depuis une semaine") && page.contains("lampadaire.png"))
        XCTAssertTrue(page.contains("Pour les piétons, Pour la circulation"))
        let moved = try await agent.post("/bo/caluire-et-cuire/demandes/\(number)/transition", [("transition", "prendre")])
        XCTAssertEqual(moved.status, .seeOther)
        try await agent.post("/bo/caluire-et-cuire/demandes/\(number)/commentaire", [("type", "note"), ("texte", "Équipe éclairage prévenue")])
        try await agent.post("/bo/caluire-et-cuire/demandes/\(number)/commentaire", [("type", "message"), ("texte", "Intervention jeudi")])
        let mails = try await guichet.outbox()
        XCTAssertEqual(mails.map(\.subject), ["Votre demande \(number) a bien été reçue", "Votre demande \(number) : En cours de traitement",
                                             "Message au sujet de votre demande \(number)"])

        // The citizen follows it with the number and code, without an account.
        let follower = guichet.browser()
        try await follower.get("/suivi?numero=\(number)")
        let followed = try await follower.post("/suivi", [("numero", number), ("code", code.lowercased())])
        XCTAssertEqual(followed.status, .ok)
        XCTAssertEqual(followed.text(id: "statut"), "En cours de traitement")
        XCTAssertTrue(followed.contains("Intervention jeudi"))
        XCTAssertFalse(followed.contains("Équipe éclairage prévenue"), "internal notes stay internal")
        let wrong = try await follower.post("/suivi", [("numero", number), ("code", "AAAA-BBBB")])
        XCTAssertEqual(wrong.status, .notFound)
        XCTAssertFalse(wrong.contains("Lampadaire"))
    }

    func testBadInputIsRefusedBesideEachFieldAndKept() async throws {
        let browser = guichet.browser()
        try await browser.get(Self.form)
        var fields = Self.valid.filter { !["email", "consentement", "adresse.postcode", "date_constat", "telephone", "categorie"].contains($0.0) }
        fields += [("email", "jeanne@"), ("adresse.postcode", "6930"), ("date_constat", "31/02/2026"), ("telephone", "12"), ("categorie", "inconnue")]
        let page = try await browser.postMultipart(Self.form, fields, files: [("photo", "virus.png", Array("MZ".utf8))])
        XCTAssertEqual(page.status, .unprocessableEntity)
        XCTAssertEqual(page.fieldErrors, [
            "email": "Saisissez une adresse e-mail valide, par exemple nom@exemple.fr.",
            "adresse": "Le code postal compte 5 chiffres.",
            "date_constat": "Saisissez une date valide, par exemple 21/03/2026.",
            "telephone": "Saisissez un numéro de téléphone valide, par exemple 04 78 00 00 00.",
            "categorie": "Choisissez une des options proposées.",
            "photo": "Ce type de fichier n&#39;est pas accepté (formats acceptés : JPEG, PNG).",
            "consentement": "Cochez cette case pour continuer.",
        ])
        XCTAssertTrue(page.contains("Le formulaire contient 7 erreurs"))
        XCTAssertTrue(page.contains("value=\"jeanne@\""), "what was typed is kept")
        XCTAssertTrue(page.contains("Lampadaire éteint depuis une semaine"))
        XCTAssertTrue(page.contains("value=\"12 rue Pasteur\""))
        XCTAssertTrue(page.contains("value=\"pietons\" checked"))
        let nothing = try await guichet.outbox()
        XCTAssertTrue(nothing.isEmpty, "nothing was filed")
    }

    func testAFormWithoutTheSessionsCSRFTokenChangesNothing() async throws {
        let browser = guichet.browser()
        try await browser.get(Self.form)
        let forged = try await browser.postMultipart(Self.form, Self.valid, withCSRF: false)
        XCTAssertEqual(forged.status, .forbidden)
        let stranger = guichet.browser()
        let noSession = try await stranger.postMultipart(Self.form, Self.valid + [("_csrf", "devine")], withCSRF: false)
        XCTAssertEqual(noSession.status, .forbidden)
        let nothing = try await guichet.outbox()
        XCTAssertTrue(nothing.isEmpty)
    }

    func testTheTrackingCodeIsShownOnlyOnce() async throws {
        let browser = guichet.browser()
        try await browser.get(Self.form)
        let sent = try await browser.postMultipart(Self.form, Self.valid)
        let location = try XCTUnwrap(sent.location)
        let value1 = try await browser.get(location).text(id: "code-suivi")
        XCTAssertNotNil(value1)
        let again = try await browser.get(location)
        XCTAssertEqual(again.status, .seeOther, "a second visit goes to the follow-up page")
    }

    func testSignedInCitizensSaveDraftsAndFindTheirRequests() async throws {
        let browser = guichet.browser()
        let value2 = try await browser.signIn("usager@demo.fr", password: "Guichet-Demo-2026!").status
        XCTAssertEqual(value2, .seeOther)
        let form = try await browser.get(Self.form)
        XCTAssertTrue(form.contains("value=\"usager@demo.fr\""), "prefilled from the account")
        let saved = try await browser.postMultipart(Self.form, [("action", "brouillon"), ("description", "À finir plus tard")])
        XCTAssertEqual(saved.status, .seeOther)
        let resumed = try await browser.get(Self.form)
        XCTAssertTrue(resumed.contains("Nous avons repris votre brouillon"))
        XCTAssertTrue(resumed.contains("À finir plus tard"))
        let (number, _) = try await Self.fileValidRequest(browser)
        let account = try await browser.get("/compte")
        XCTAssertTrue(account.contains(number))
        let mine = try await browser.get("/compte/demandes/\(number)")
        XCTAssertEqual(mine.text(id: "statut"), "Reçue")
        let fileLink = try XCTUnwrap(mine.body.firstMatch(of: /href="(\/compte\/demandes\/[^"]+\/fichiers\/[^"]+)"/)).1
        let download = try await browser.get(String(fileLink))
        XCTAssertEqual(download.status, .ok)
        XCTAssertEqual(download.headers.first(name: .contentType), "image/png")
        XCTAssertTrue(download.headers.first(name: .contentDisposition)?.hasPrefix("attachment") == true)
        let value3 = try await browser.get(Self.form).contains("Nous avons repris")
        XCTAssertFalse(value3, "the draft is gone once filed")
        let other = guichet.browser()
        _ = try await other.signIn("agent@bron.demo.fr", password: "Guichet-Demo-2026!")
        let value4 = try await other.get(String(fileLink)).status
        XCTAssertEqual(value4, .notFound, "files go to their owner only")
    }

    /// Without an account, « Enregistrer le brouillon » e-mails a link; opened on another device it brings the
    /// answers back; once the request is filed, or once the draft expired, the link leads nowhere.
    func testAnonymousDraftsAreResumedFromAnEmailedLink() async throws {
        let phone = guichet.browser()
        try await phone.get(Self.form)
        let saved = try await phone.postMultipart(Self.form, [("action", "brouillon"), ("description", "Texte gardé")])
        XCTAssertEqual(saved.location, Self.form + "/brouillon?page=0")
        _ = try await phone.get(Self.form + "/brouillon?page=0")
        let bad = try await phone.post(Self.form + "/brouillon", [("email", "pas-une-adresse")])
        XCTAssertEqual(bad.status, .unprocessableEntity)
        XCTAssertTrue(bad.contains("aria-invalid=\"true\""))
        let sent = try await phone.post(Self.form + "/brouillon", [("email", "lea@exemple.fr")])
        XCTAssertTrue(sent.contains("Un lien pour reprendre"), sent.body)
        let outbox = try await guichet.outbox()
        let mail = try XCTUnwrap(outbox.last { $0.to == "lea@exemple.fr" })
        let link = try XCTUnwrap(mail.text.firstMatch(of: /http:\/\/[^\/]+(\/c\/[^\s]+\/reprendre\/[A-Za-z0-9_-]+)/)).1

        let computer = guichet.browser()
        let opened = try await computer.get(String(link))
        XCTAssertEqual(opened.location, Self.form)
        let form = try await computer.get(Self.form)
        XCTAssertTrue(form.contains("Texte gardé"), "the answers came along")
        XCTAssertTrue(form.contains("Nous avons repris vos réponses"))
        _ = try await Self.fileValidRequest(computer)
        let used = try await guichet.browser().get(String(link))
        XCTAssertEqual(used.status, .notFound, "a filed request's draft is gone")

        let other = guichet.browser()
        try await other.get(Self.form)
        _ = try await other.postMultipart(Self.form, [("action", "brouillon"), ("description", "Oublié")])
        _ = try await other.post(Self.form + "/brouillon", [("email", "paul@exemple.fr")])
        let later = try await guichet.outbox()
        let forgotten = try XCTUnwrap(later.last { $0.to == "paul@exemple.fr" })
        let oldLink = try XCTUnwrap(forgotten.text.firstMatch(of: /http:\/\/[^\/]+(\/c\/[^\s]+\/reprendre\/[A-Za-z0-9_-]+)/)).1
        guichet.clock.advance(days: 31)
        let expired = try await guichet.browser().get(String(oldLink))
        XCTAssertEqual(expired.status, .notFound)
        let purged = try await guichet.store.purgeExpiredDrafts()
        XCTAssertEqual(purged, 1)
    }

    func testPortalPages() async throws {
        let browser = guichet.browser()
        let home = try await browser.get("/")
        XCTAssertTrue(home.contains("/c/caluire-et-cuire/") && home.contains("Métropole de Lyon"))
        let caluire = try await browser.get("/c/caluire-et-cuire/")
        XCTAssertTrue(caluire.contains("href=\"/c/caluire-et-cuire/demarches/acte-etat-civil\""))
        XCTAssertTrue(caluire.contains("mairie@ville-caluire.fr"))
        let albigny = try await browser.get("/c/albigny-sur-saone/")
        XCTAssertTrue(albigny.contains("ne propose pas encore de démarches"))
        let value5 = try await browser.get("/c/albigny-sur-saone/demarches/signalement-espace-public").status
        XCTAssertEqual(value5, .notFound)
        let value6 = try await browser.get("/c/inconnue/").status
        XCTAssertEqual(value6, .notFound)
        XCTAssertTrue(caluire.headers.first(name: "Content-Security-Policy")?.contains("default-src 'self'") == true)
        XCTAssertNotNil(caluire.headers.first(name: "X-Request-Id"))
    }

    /// Leaflet's files come from the Debian package, and nothing else on the disk is reachable that way.
    func testLeafletIsServedFromItsPackageOnly() async throws {
        try XCTSkipUnless(Leaflet.isAvailable, "libjs-leaflet is not installed")
        let browser = guichet.browser()
        let script = try await browser.get("/static/leaflet/leaflet.js")
        XCTAssertEqual(script.status, .ok)
        XCTAssertTrue(script.body.contains("Leaflet"))
        let marker = try await browser.get("/static/leaflet/images/marker-icon.png").status
        XCTAssertEqual(marker, .ok)
        for escape in ["/static/leaflet/../../../etc/passwd", "/static/leaflet/%2e%2e/%2e%2e/etc/passwd", "/static/leaflet/nope.js"] {
            let page = try await browser.get(escape)
            XCTAssertTrue([.notFound, .forbidden].contains(page.status), "\(escape): \(page.status)")
            XCTAssertFalse(page.body.contains("root:"))
        }
        let form = try await browser.get(Self.form)
        XCTAssertTrue(form.contains("/static/leaflet/leaflet.js") && form.contains("id=\"carte-emplacement\""))
        XCTAssertTrue(form.headers.first(name: "Content-Security-Policy")?.contains(Leaflet.tiles) == true)
    }
}
