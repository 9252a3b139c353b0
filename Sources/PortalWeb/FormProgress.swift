import Demarches
import Foundation
import Vapor

/// What a citizen has answered so far in a multi-page form, kept server-side in their session between pages
/// (so it works without an account and without JavaScript). Files are checked and stored when their page is
/// sent; only their references travel here.
struct FormProgress: Codable {
    var values: [String: [String]]
    var files: [String: [StoredFile]]

    static func key(_ demarcheID: String) -> String { "saisie:\(demarcheID)" }

    static func load(_ req: Request, demarcheID: String) -> FormProgress? {
        guard req.hasSession, let text = req.session.data[key(demarcheID)] else { return nil }
        return try? JSONDecoder().decode(FormProgress.self, from: Data(text.utf8))
    }

    func save(_ req: Request, demarcheID: String) throws {
        req.session.data[Self.key(demarcheID)] = String(decoding: try JSONEncoder().encode(self), as: UTF8.self)
    }

    static func clear(_ req: Request, demarcheID: String) {
        if req.hasSession { req.session.data[key(demarcheID)] = nil }
    }

    var raw: RawSubmission { RawSubmission(values: values, keptFiles: files) }

    /// Replaces the answers of one page's fields with what was just posted for them; keys of other pages'
    /// fields in the post are ignored, so a page can only change its own answers.
    mutating func merge(page: FormLogic.Page, of form: FormDefinition, posted: [String: [String]]) {
        let fields = page.fieldIndices.map { form.fields[$0] }
        func belongs(_ key: String) -> Bool { fields.contains { $0.owns(rawKey: key) } }
        values = values.filter { !belongs($0.key) }
        for (key, value) in posted where belongs(key) { values[key] = value }
    }
}
