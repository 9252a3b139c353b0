/// What a citizen may send the service handling their request from its follow-up page: a message, with up to three
/// files. Asked as a small form of its own, so it is checked with the same words and limits as any démarche.
public enum CitizenReply {
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
