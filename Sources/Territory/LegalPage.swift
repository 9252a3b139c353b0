/// The pages a French public service's site must have, each with the Métropole's text as the default that a
/// collectivité may replace with its own. Texts are plain paragraphs separated by a blank line.
public enum LegalPage: String, Sendable, CaseIterable {
    case mentionsLegales = "mentions-legales"
    case donneesPersonnelles = "donnees-personnelles"
    case accessibilite
    case aide

    public var title: String {
        switch self {
        case .mentionsLegales: "Mentions légales"
        case .donneesPersonnelles: "Données personnelles"
        case .accessibilite: "Déclaration d'accessibilité"
        case .aide: "Aide et contact"
        }
    }

    /// What the footer says of the page; the accessibility link states the conformity, as the RGAA requires.
    public var footerLabel: String {
        self == .accessibilite ? "Accessibilité : \(Self.conformity)" : title
    }

    /// Without a complete RGAA audit in force, a site is declared « non conforme » (RGAA 4.1). Pages are checked
    /// by axe-core at every version, which is not an audit.
    public static let conformity = "non conforme"

    /// The default text, worded for `collectivite` (its name and town hall's contact).
    /// - Parameter retention: how long drafts and delivered messages are kept, in days, as configured.
    public func defaultText(for collectivite: Collectivite, draftDays: Int, messageDays: Int) -> String {
        let name = collectivite.name
        let hall = collectivite.townHall
        let contact = [hall.map { "par courrier : \(name), \($0.address)" }, hall?.phone.map { "par téléphone : \($0)" },
                       hall?.email.map { "par e-mail : \($0)" }].compactMap { $0 }
        let reach = contact.isEmpty ? "auprès de \(name)" : contact.joined(separator: " ; ")
        let publisher = collectivite.kind == .metropole ? "le président de la Métropole de Lyon" : "le maire de \(name)"
        switch self {
        case .mentionsLegales:
            return """
                Éditeur : \(name)\(hall.map { ", \($0.address)" } ?? "").\(hall?.phone.map { " Téléphone : \($0)." } ?? "")

                Directeur de la publication : \(publisher).

                Ce guichet numérique est partagé par la Métropole de Lyon et ses communes, dans le cadre de la convention cadre des services numériques mutualisés. Il est hébergé et exploité par la Métropole de Lyon, 20 rue du Lac, 69003 Lyon.

                Il fonctionne avec Guichet, un logiciel libre.

                Les textes et documents publiés par les services peuvent être réutilisés en citant leur source, sauf mention contraire.
                """
        case .donneesPersonnelles:
            return """
                Responsable du traitement : \(name), pour les démarches déposées auprès de ses services.

                Ce qui est collecté : les réponses que vous donnez dans les formulaires (dont vos coordonnées et les pièces jointes), l'historique du traitement de vos demandes et, si vous créez un compte, votre nom, votre adresse e-mail et un condensat de votre mot de passe.

                Pourquoi : instruire vos demandes et vous en informer, dans le cadre de la mission de service public de \(name) (article 6.1.e du règlement général sur la protection des données). Les données ne sont ni vendues ni utilisées à des fins commerciales.

                Qui les voit : les agents des services chargés de la démarche ; une demande qui relève d'une autre collectivité lui est transmise.

                Combien de temps : les demandes sont conservées le temps de leur traitement puis selon les durées d'archivage applicables aux dossiers de \(name) ; les brouillons \(draftDays) jours ; les e-mails envoyés \(messageDays) jours ; un compte tant que vous le gardez.

                Vos droits : accès, rectification, effacement, limitation et opposition. Pour les exercer, adressez-vous au délégué à la protection des données de \(name) — \(reach). Vous pouvez aussi saisir la CNIL (www.cnil.fr).

                Cookies : le site n'utilise que les cookies nécessaires à son fonctionnement (session, protection des formulaires). Aucun cookie de mesure d'audience ni de publicité.

                Une démarche peut préciser ses propres règles : elles figurent sur son formulaire.
                """
        case .accessibilite:
            return """
                \(name) s'engage à rendre ce guichet numérique accessible, conformément à l'article 47 de la loi n° 2005-102 du 11 février 2005.

                État de conformité : le site est \(Self.conformity) au référentiel général d'amélioration de l'accessibilité (RGAA 4.1), faute d'audit complet en cours de validité. Un audit est à programmer.

                Ce qui est vérifié : chaque version est contrôlée automatiquement (axe-core, dans un navigateur Chromium, sur téléphone et sur ordinateur) sur les parcours des usagers et des agents ; les pages fonctionnent sans JavaScript.

                Contenus non accessibles connus : les documents PDF produits (accusés de réception, attestations) ne sont pas balisés ; la carte de localisation s'accompagne de champs de coordonnées à saisir au clavier.

                Technologies utilisées : HTML, CSS et, pour des compléments, JavaScript.

                Retour d'information et contact : si vous ne pouvez pas accéder à un contenu ou à un service, contactez \(name) — \(reach) — pour être orienté vers une alternative accessible ou obtenir le contenu sous une autre forme.

                Voies de recours : si vous constatez un défaut d'accessibilité vous empêchant d'accéder à un contenu ou un service, que vous l'avez signalé sans obtenir de réponse satisfaisante, vous pouvez écrire au Défenseur des droits (www.defenseurdesdroits.fr), contacter son délégué dans votre région, ou écrire à : Défenseur des droits, Libre réponse 71120, 75342 Paris CEDEX 07.
                """
        case .aide:
            let hours = (hall?.hours ?? []).map(\.frenchDescription)
            return """
                Faire une démarche : choisissez votre commune, puis la démarche. Les champs marqués « obligatoire » doivent être remplis ; un formulaire en plusieurs étapes se reprend là où vous l'avez laissé, et « Enregistrer le brouillon » le garde pour plus tard.

                Suivre une demande : l'accusé de réception donne son numéro et son code de suivi ; avec eux, la page « Suivre une demande » montre où elle en est, sans compte. Avec un compte, vos demandes sont dans « Mon compte ».

                Un problème, une question : contactez \(name) — \(reach).\(hours.isEmpty ? "" : " Accueil : " + hours.joined(separator: " ; ") + ".")
                """
        }
    }
}
