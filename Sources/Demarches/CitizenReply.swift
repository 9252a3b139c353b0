import Expressions

/// What a citizen may send the service handling their request from its follow-up page: a message, with up to three
/// files. Asked as a small form of its own, so it is checked with the same words and limits as any démarche.
public enum CitizenReply {
    /// The message and files as sent, or the French errors by field: the form's own, and neither message nor file.
    public static func validate(_ raw: RawSubmission, context: EvaluationContext)
        -> (text: String, files: [(StoredFile, [UInt8])], errors: [String: String]) {
        let outcome = FormValidator.validate(raw, against: form, context: context)
        let text = if case .text(let t)? = outcome.values[messageField] { t } else { "" }
        var errors = outcome.errors
        if errors.isEmpty, text.isEmpty, outcome.files.isEmpty { errors[messageField] = emptyMessage }
        return (text, outcome.files, errors)
    }

    public static let messageField = "message"
    public static let filesField = "pieces"

    public static let form = FormDefinition(fields: [
        Field(id: messageField, label: "Votre message", type: .longText, maxLength: 5000),
        Field(id: filesField, label: "Pièces jointes", type: .file, accept: [.pdf, .jpeg, .png], maxBytes: 10_000_000, maxFiles: 3),
    ])

    /// Neither a message nor a file: nothing to send. (Neither is required alone, so a file chosen is never lost
    /// to an empty message.)
    public static let emptyMessage = "Écrivez votre message, ou joignez au moins un fichier."
}
