/// Structural checks of a form definition, run before it is saved.
public enum FormCheck {
    public static func problems(in form: FormDefinition) -> [String] {
        var problems: [String] = []
        var seen: Set<String> = []
        if form.fields.isEmpty { problems.append("Le formulaire n'a aucun champ.") }
        for field in form.fields {
            let name = field.label.isEmpty ? field.id : field.label
            if !DemarcheDefinition.isIdentifier(field.id, allowDash: false) {
                problems.append("L'identifiant du champ « \(name) » doit être en minuscules, chiffres et _.")
            }
            if !seen.insert(field.id).inserted { problems.append("Deux champs ont l'identifiant « \(field.id) ».") }
            if field.label.trimmingCharacters(in: .whitespaces).isEmpty { problems.append("Le champ « \(field.id) » n'a pas de libellé.") }
            if field.type.isStructural && field.required { problems.append("« \(name) » ne peut pas être obligatoire : il n'attend aucune réponse.") }
            if field.postConditions?.isEmpty == false && field.type != .page {
                problems.append("Seul un saut de page peut porter des vérifications (« \(name) »).")
            }
            for post in field.postConditions ?? [] where post.message.trimmingCharacters(in: .whitespaces).isEmpty {
                problems.append("Une vérification de la page « \(name) » n'a pas de message pour l'usager.")
            }
            if field.maxPixels != nil && field.type != .image { problems.append("Seul un champ image réduit les photos (« \(name) »).") }
            if (field.fields != nil || field.minItems != nil || field.maxItems != nil) && field.type != .block {
                problems.append("Seul un bloc répétable a des questions et un nombre d'éléments (« \(name) »).")
            }
            if field.dataSource != nil && ![.singleChoice, .multipleChoice, .rankedChoice].contains(field.type) {
                problems.append("Seul un champ à choix prend ses options dans une source (« \(name) »).")
            }
            if field.expression != nil && field.type != .computed { problems.append("Seul un champ calculé a une expression (« \(name) »).") }
            switch field.type {
            case .singleChoice, .multipleChoice, .rankedChoice:
                let values = (field.options ?? []).map(\.value)
                if let source = field.dataSource {
                    if !values.isEmpty { problems.append("Le champ « \(name) » prend ses options soit dans sa liste, soit dans une source, pas les deux.") }
                    if !DemarcheDefinition.isIdentifier(source, allowDash: true) { problems.append("Le champ « \(name) » nomme une source invalide.") }
                } else if values.isEmpty { problems.append("Le champ « \(name) » doit proposer au moins une option.") }
                if Set(values).count != values.count { problems.append("Le champ « \(name) » propose deux fois la même option.") }
            case .number:
                if let min = field.min, let max = field.max, min > max {
                    problems.append("Le champ « \(name) » a un minimum supérieur à son maximum.")
                }
            case .file, .image:
                if field.type == .image, field.accept?.contains(where: { $0 != .jpeg && $0 != .png }) == true {
                    problems.append("Le champ image « \(name) » n'accepte que JPEG et PNG.")
                }
                if let px = field.maxPixels, px < 320 || px > 8000 { problems.append("Le champ « \(name) » doit réduire les photos entre 320 et 8000 pixels.") }
                if let max = field.maxBytes, max <= 0 || max > FileKind.absoluteMaxBytes {
                    problems.append("Le champ « \(name) » doit limiter les fichiers à \(FileKind.absoluteMaxBytes / 1_000_000) Mo au plus.")
                }
                if field.accept?.isEmpty == true { problems.append("Le champ « \(name) » n'accepte aucun type de fichier.") }
                if let n = field.maxFiles, n < 1 || n > 20 { problems.append("Le champ « \(name) » doit accepter de 1 à 20 fichiers.") }
            case .table:
                if (field.rows ?? []).isEmpty || (field.columns ?? []).isEmpty {
                    problems.append("Le tableau « \(name) » doit avoir au moins une ligne et une colonne.")
                }
                if (field.rows ?? []).count * (field.columns ?? []).count > 400 { problems.append("Le tableau « \(name) » dépasse 400 cases.") }
            case .block:
                let questions = field.fields ?? []
                if questions.isEmpty { problems.append("Le bloc « \(name) » doit contenir au moins une question.") }
                var ids: Set<String> = []
                for q in questions {
                    let qname = q.label.isEmpty ? q.id : q.label
                    if !DemarcheDefinition.isIdentifier(q.id, allowDash: false) || q.id.hasPrefix("_") {
                        problems.append("L'identifiant de la question « \(qname) » du bloc « \(name) » doit être en minuscules, chiffres et _.")
                    }
                    if !ids.insert(q.id).inserted { problems.append("Le bloc « \(name) » a deux questions « \(q.id) ».") }
                    if !q.type.fitsInBlock { problems.append("La question « \(qname) » du bloc « \(name) » ne peut pas être répétée (type \(q.type.rawValue)).") }
                    if q.condition != nil { problems.append("La question « \(qname) » du bloc « \(name) » ne peut pas avoir de condition.") }
                    if q.type == .singleChoice && (q.options ?? []).isEmpty { problems.append("La question « \(qname) » du bloc « \(name) » doit proposer des options.") }
                    if q.dataSource != nil { problems.append("La question « \(qname) » du bloc « \(name) » ne lit pas de source de données.") }
                }
                let (min, max) = (field.effectiveMinItems, field.effectiveMaxItems)
                if min > max || max < 1 || max > 50 { problems.append("Le bloc « \(name) » doit accepter de 1 à 50 éléments, le minimum sous le maximum.") }
            case .text, .longText:
                if let max = field.maxLength, max <= 0 || max > 100_000 {
                    problems.append("Le champ « \(name) » a une longueur maximale invalide.")
                }
            default: break
            }
            if let identity = field.identity, field.type != identity.fieldType {
                problems.append("Le champ « \(name) » doit être de type \(identity.fieldType.rawValue) pour recevoir « \(identity.label) » de FranceConnect.")
            }
        }
        if form.fields.allSatisfy({ !$0.type.isInput }) && !form.fields.isEmpty {
            problems.append("Le formulaire ne pose aucune question.")
        }
        return problems + form.logic.problems
    }
}
