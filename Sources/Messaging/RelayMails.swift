import Foundation
import Storage
import Territory

extension Mails {
    /// What a relay e-mail says of the request.
    public struct RelayedRequest: Sendable {
        public var number: String
        public var demarche: String
        /// « Éclairage public »; nil without a category.
        public var category: String?
        public var receivedAt: String
        public var citizen: String
        /// Each answer as « Question : réponse ».
        public var answers: [String]
        /// File names, with whether each is attached or only on the link's page (too big for the message).
        public var files: [(name: String, attached: Bool)]
        public init(number: String, demarche: String, category: String?, receivedAt: String, citizen: String, answers: [String],
                    files: [(name: String, attached: Bool)]) {
            self.number = number; self.demarche = demarche; self.category = category; self.receivedAt = receivedAt
            self.citizen = citizen; self.answers = answers; self.files = files
        }
    }

    /// The Métropole relays to a town hall a request that is the commune's business, member of the guichet or not:
    /// the whole request, its files, and the link by which the town hall acts on it without an account.
    public static func relay(to: String, from metropole: String, commune: String, request r: RelayedRequest, link: String,
                             linkValidUntil: String, attachments: [MailAttachment]) -> OutboxMail {
        let competence = r.category.map { " (\($0))" } ?? ""
        let files = r.files.isEmpty ? "" : "\nPièces jointes :\n" + r.files.map {
            "- \($0.name)" + ($0.attached ? " (jointe à ce message)" : " (trop volumineuse pour ce message : à télécharger depuis le lien)")
        }.joined(separator: "\n") + "\n"
        return OutboxMail(to: to, subject: "Demande \(r.number) relayée par la \(metropole)\(r.category.map { " : \($0)" } ?? "")", text: """
            Bonjour,

            La \(metropole) a reçu le \(r.receivedAt) la demande ci-dessous. Elle relève de la compétence de la commune \
            \(FrenchName.de(commune))\(competence) : nous vous la transmettons, comme le prévoit le guichet numérique métropolitain.

            Démarche : \(r.demarche)
            Numéro : \(r.number)
            Usager : \(r.citizen)

            \(r.answers.joined(separator: "\n"))
            \(files)
            Sans compte, ce lien vous permet d'accuser réception, de répondre à l'usager et de clore la demande, \
            jusqu'au \(linkValidUntil) :
            \(link)

            L'usager est informé que sa demande est traitée par votre mairie. Ce lien donne accès à ses données \
            personnelles : ne le transmettez qu'aux agents qui traitent la demande.

            La \(metropole) — guichet numérique
            """, attachments: attachments)
    }

    /// To a Métropole admin: relays that could not be sent, keep failing, or wait for the town hall's answer.
    public static func relayAlert(to: String, relays: [(number: String, commune: String, problem: String)], listURL: String) -> OutboxMail {
        OutboxMail(to: to, subject: "Relais aux communes : \(relays.count) demande\(relays.count > 1 ? "s" : "") à suivre", text: """
            Bonjour,

            Ces demandes relayées à une commune n'ont pas de réponse de sa part :

            \(relays.map { "- \($0.number), \($0.commune) : \($0.problem)" }.joined(separator: "\n"))

            Le suivi des relais : \(listURL)

            Guichet
            """)
    }

    /// A connector stopped after failing for a day: its events wait in the journal until an admin starts it again.
    public static func connectorStopped(to: String, commune: String, since: String, error: String, journalURL: String) -> OutboxMail {
        OutboxMail(to: to, subject: "Connecteur de \(commune) arrêté", text: """
            Bonjour,

            Le logiciel de \(commune) ne reçoit plus les demandes que la Métropole lui relaie : les envois échouent depuis \(since) \
            (dernière erreur : \(error)). Le connecteur est arrêté ; aucun événement n'est perdu, ils attendent dans son journal.

            Une fois le logiciel de la commune réparé, relancez le connecteur : \(journalURL)

            Guichet
            """)
    }
}
