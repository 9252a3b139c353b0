import Demarches
import Foundation
import Storage
import Vapor

/// What a citizen has answered so far in a form. Files are checked and stored when their page is sent; only
/// their references travel here.
struct FormProgress: Codable {
    var values: [String: [String]]
    var files: [String: [StoredFile]]

    var raw: RawSubmission { RawSubmission(values: values, keptFiles: files) }

    /// Replaces the answers of one page's fields with what was just posted for them; keys of other pages'
    /// fields in the post are ignored, so a page can only change its own answers.
    mutating func merge(page: FormLogic.Page, of form: FormDefinition, posted: [String: [String]]) {
        values = values.filter { !page.owns(rawKey: $0.key, in: form) }
        for (key, value) in posted where page.owns(rawKey: key, in: form) { values[key] = value }
    }
}

/// Where a citizen's answers so far live. Signed in: their draft (one per démarche, saved at every page, so a form
/// started on a phone goes on on a computer, and two tabs never overwrite a session). Not signed in: the session
/// (it works without an account and without JavaScript), plus the id of the draft a resume link reopened, if any.
struct ProgressKeeper {
    let req: Request
    let demarcheID: String
    let account: Account?

    private var sessionKey: String { Store.formProgressSessionKey + demarcheID }
    private var resumedKey: String { "reprise:\(demarcheID)" }

    /// The answers so far and, for a stored draft, until when it is kept.
    func load() async throws -> (progress: FormProgress, keptUntil: Date?)? {
        if let account, let draft = try await req.store.draft(accountID: account.id, demarcheID: demarcheID) {
            return (FormProgress(values: draft.values, files: draft.files), draft.expiresAt)
        }
        guard req.hasSession, let text = req.session.data[sessionKey],
              let progress = try? JSONDecoder().decode(FormProgress.self, from: Data(text.utf8)) else { return nil }
        return (progress, nil)
    }

    /// Keeps the answers; returns until when, for a stored draft.
    @discardableResult
    func save(_ progress: FormProgress, in scope: TenantScope) async throws -> Date? {
        if let account {
            return try await req.store.saveDraft(accountID: account.id, demarcheID: demarcheID, values: progress.values, files: progress.files, in: scope)
        }
        req.session.data[sessionKey] = String(decoding: try JSONEncoder().encode(progress), as: UTF8.self)
        return nil
    }

    /// Puts a draft reopened by a resume link in the session, remembering it so filing deletes it.
    func resume(_ draft: FormDraft) throws {
        req.session.data[sessionKey] = String(decoding: try JSONEncoder().encode(FormProgress(values: draft.values, files: draft.files)), as: UTF8.self)
        req.session.data[resumedKey] = draft.id
    }

    /// Forgets the answers once the request is filed.
    func clear() async throws {
        if let account { try await req.store.deleteDraft(accountID: account.id, demarcheID: demarcheID) }
        guard req.hasSession else { return }
        if let resumed = req.session.data[resumedKey] { try await req.store.deleteDraft(id: resumed) }
        req.session.data[sessionKey] = nil
        req.session.data[resumedKey] = nil
    }
}
