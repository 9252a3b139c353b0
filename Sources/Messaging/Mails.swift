import Storage
import Workflow

/// The e-mails Guichet sends, in French. Each returns an outbox message; none is sent from here.
public enum Mails {
    /// The acknowledgement of receipt (`Acknowledgement`: its legal lines) with the tracking code, sent once.
    public static func receipt(to: String, collectivite: String, demarche: String, number: String, trackingCode: String,
                               followURL: String, acknowledgement: String) -> OutboxMail {
        OutboxMail(to: to, subject: "Votre demande \(number) a bien été reçue", text: """
            Bonjour,

            \(collectivite) a bien reçu votre demande « \(demarche) ». Ce message en est l'accusé de réception.

            Numéro de demande : \(number)
            Code de suivi : \(trackingCode)

            \(acknowledgement)

            Suivez son traitement à tout moment : \(followURL)
            (le numéro et le code de suivi suffisent, sans compte.)

            Conservez ce message : le code de suivi n'est envoyé qu'une fois.

            \(collectivite)
            """)
    }

    /// A new status; when it closes the request, the decision with its reason, the amount granted, and for an
    /// unfavourable one the ways and delays of appeal.
    public static func statusChanged(to: String, collectivite: String, demarche: String, number: String, status: String,
                                     decision: WorkflowMails.DecisionNotice? = nil, followURL: String) -> OutboxMail {
        var decided: [String] = []
        if let decision {
            if let kind = decision.decision { decided.append("Décision : \(kind.label.lowercased()).") }
            if let amount = decision.amount { decided.append("Montant accordé : \(amount).") }
            if let reason = decision.reason, !reason.isEmpty { decided.append("Motif :\n\(reason)") }
            if decision.decision?.isUnfavourable == true { decided.append("Voies et délais de recours : " + Decision.appealWays(authority: collectivite)) }
        }
        return OutboxMail(to: to, subject: "Votre demande \(number) : \(status)", text: """
            Bonjour,

            Votre demande « \(demarche) » (n° \(number)) a changé de statut : \(status).
            \(decided.isEmpty ? "" : "\n" + decided.joined(separator: "\n\n") + "\n")
            Consultez son suivi : \(followURL)

            \(collectivite)
            """)
    }

    public static func message(to: String, collectivite: String, number: String, body: String, followURL: String) -> OutboxMail {
        OutboxMail(to: to, subject: "Message au sujet de votre demande \(number)", text: """
            Bonjour,

            Un agent de \(collectivite) vous écrit au sujet de votre demande n° \(number) :

            \(body)

            Retrouvez l'historique de votre demande : \(followURL)

            \(collectivite)
            """)
    }

    public static func confirmAccount(to: String, link: String) -> OutboxMail {
        OutboxMail(to: to, subject: "Confirmez votre adresse e-mail", text: """
            Bonjour,

            Pour activer votre compte Guichet, confirmez votre adresse e-mail en ouvrant ce lien (valable 48 heures) :
            \(link)

            Si vous n'avez pas créé de compte, ignorez ce message.
            """)
    }

    public static func confirmEmailChange(to: String, link: String) -> OutboxMail {
        OutboxMail(to: to, subject: "Confirmez votre nouvelle adresse e-mail", text: """
            Bonjour,

            Pour que votre compte Guichet utilise désormais cette adresse, ouvrez ce lien (valable 24 heures) :
            \(link)

            Si vous n'avez rien demandé, ignorez ce message : rien ne change.
            """)
    }

    /// To the old address once the change is done: if it was not its owner, they know at once.
    public static func emailChanged(to: String, newAddress: String, help: String) -> OutboxMail {
        OutboxMail(to: to, subject: "L'adresse e-mail de votre compte a changé", text: """
            Bonjour,

            Votre compte Guichet utilise désormais l'adresse \(newAddress). Ce message est le dernier envoyé à celle-ci.

            Si vous n'êtes pas à l'origine de ce changement, choisissez sans attendre un nouveau mot de passe avec
            « Mot de passe oublié » à la nouvelle adresse si vous y avez accès, sinon écrivez-nous : \(help)
            """)
    }

    /// The warning before an unused account is deleted (`InactivityPolicy`).
    public static func inactiveAccount(to: String, deletionDay: String, signInLink: String) -> OutboxMail {
        OutboxMail(to: to, subject: "Votre compte Guichet sera supprimé le \(deletionDay)", text: """
            Bonjour,

            Votre compte Guichet n'a pas servi depuis longtemps. Sans connexion de votre part, il sera supprimé le
            \(deletionDay), avec ce qu'il contient (vos brouillons, votre identité FranceConnect) ; vos demandes
            restent traitées et archivées par les services.

            Pour le garder, connectez-vous simplement une fois : \(signInLink)
            """)
    }

    public static func resetPassword(to: String, link: String) -> OutboxMail {
        OutboxMail(to: to, subject: "Choisir un nouveau mot de passe", text: """
            Bonjour,

            Pour choisir un nouveau mot de passe, ouvrez ce lien (valable 1 heure) :
            \(link)

            Si vous n'avez rien demandé, ignorez ce message : votre mot de passe reste inchangé.
            """)
    }
}

extension Mails {
    /// The link an anonymous citizen asked for to resume a form later, here or on another device.
    public static func resumeDraft(to: String, collectivite: String, demarche: String, link: String, keptUntil: String) -> OutboxMail {
        OutboxMail(to: to, subject: "Reprendre votre démarche « \(demarche) »", text: """
            Bonjour,

            Vos réponses à la démarche « \(demarche) » (\(collectivite)) sont enregistrées jusqu'au \(keptUntil).
            Pour reprendre là où vous en étiez, sur cet appareil ou un autre, ouvrez ce lien :

            \(link)

            Ce lien est personnel : il donne accès à vos réponses. Il ne sert plus une fois la demande envoyée.
            Si vous n'êtes pas à l'origine de ce message, ignorez-le.
            """)
    }
}

extension Mails {
    /// An admin gave someone roles in a collectivité's back-office: the link to choose their password.
    public static func agentInvitation(to: String, collectivite: String, roles: [String], link: String) -> OutboxMail {
        OutboxMail(to: to, subject: "Votre accès à l'espace agents — \(collectivite)", text: """
            Bonjour,

            Un administrateur de \(collectivite) vous a donné accès à l'espace agents du guichet numérique (rôles : \(roles.joined(separator: ", "))).

            Pour choisir votre mot de passe, ouvrez ce lien (valable 7 jours, une seule fois) :
            \(link)

            Si vous avez déjà un compte, ce lien vous permet aussi de changer votre mot de passe ; vous retrouverez l'espace agents après connexion.
            """)
    }
}
