import Storage
import Workflow

extension Mails {
    /// The French wording of the e-mails workflows cause, with links to the request's follow-up page for the
    /// citizen and to its back-office page for agents (`backOfficeURL(slug, number)`).
    public static func workflow(followURL: @escaping @Sendable (String) -> String,
                                backOfficeURL: @escaping @Sendable (String, String) -> String) -> WorkflowMails {
        WorkflowMails(
            statusChanged: { about, status, decision in
                statusChanged(to: about.email, collectivite: about.collectivite, demarche: about.demarche, number: about.number,
                              status: status, decision: decision, followURL: followURL(about.number))
            },
            correctionRequested: { about, message in
                OutboxMail(to: about.email, subject: "Votre demande \(about.number) est à compléter", text: """
                    Bonjour,

                    \(about.collectivite) vous demande de compléter ou de corriger votre demande « \(about.demarche) » (n° \(about.number)) :

                    \(message)

                    Corrigez-la depuis son suivi : \(followURL(about.number))
                    (le délai de réponse de l'administration est suspendu jusqu'à votre réponse.)

                    \(about.collectivite)
                    """)
            },
            authored: { about, to, subject, body, toAgents in
                let link = toAgents ? "Traiter la demande n° \(about.number) dans le guichet des agents : \(backOfficeURL(about.slug, about.number))"
                                    : "Demande n° \(about.number) : \(followURL(about.number))"
                return OutboxMail(to: to, subject: subject, text: body + "\n\n\(about.collectivite)\n" + link)
            })
    }
}
