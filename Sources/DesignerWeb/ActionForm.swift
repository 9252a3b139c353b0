import Demarches
import Foundation
import Storage
import Workflow

/// The designer's form for one workflow action, both ways: inputs drawn from an action, and an action read back
/// from the posted inputs with a French message next to each input that does not make sense. Texts are
/// templates (`{{ expression }}`); the whole definition's check then tells whether they name known fields.
enum ActionForm {
    struct Inputs {
        var type = "email"
        var recipient = "citizen", role = "", address = ""
        var subject = "", body = "", to = "", id = "", url = "", onError = "", agent = "", field = "", expression = ""
        var then = "", title = "", visible = true, label = ""
    }

    static let typeNames: [(String, String)] = [
        ("email", "Envoyer un courriel"), ("sms", "Envoyer un SMS"), ("assign", "Affecter à un service"),
        ("set", "Mettre à jour un champ de suivi"), ("correction", "Demander un complément à l'usager"),
        ("document", "Produire un document PDF"), ("webhook", "Appeler un autre logiciel (webhook)"),
        ("anonymise", "Anonymiser la demande"), ("delete", "Supprimer la demande"),
    ]

    static func inputs(of action: WorkflowAction) -> Inputs {
        var i = Inputs(type: action.typeName)
        switch action {
        case .email(let to, let subject, let body):
            switch to {
            case .citizen: i.recipient = "citizen"
            case .role(let r): i.recipient = "role"; i.role = r
            case .address(let a): i.recipient = "address"; i.address = a
            }
            i.subject = subject; i.body = body
        case .sms(let to, let text): i.to = to; i.body = text
        case .webhook(let id, let url, let onError): i.id = id; i.url = url; i.onError = onError ?? ""
        case .assign(let role, let agent): i.role = role; i.agent = agent ?? ""
        case .set(let field, let expression, let label): i.field = field; i.expression = expression; i.label = label ?? ""
        case .correction(let message, let then): i.body = message; i.then = then ?? ""
        case .document(let id, let title, let body, let visible): i.id = id; i.title = title; i.body = body; i.visible = visible
        case .anonymise, .delete: break
        }
        return i
    }

    static func action(from i: Inputs) -> Result<WorkflowAction, FieldForm.Errors> {
        var errors: [String: String] = [:]
        func required(_ value: String, _ key: String, _ message: String) -> String {
            let t = value.trimmingCharacters(in: .whitespacesAndNewlines)
            if t.isEmpty { errors[key] = message }
            return t
        }
        func optional(_ value: String) -> String? {
            let t = value.trimmingCharacters(in: .whitespacesAndNewlines)
            return t.isEmpty ? nil : t
        }
        let action: WorkflowAction
        switch i.type {
        case "email":
            let to: WorkflowAction.Recipient
            switch i.recipient {
            case "role": to = .role(required(i.role, "role", "Indiquez le rôle dont les agents reçoivent le courriel."))
            case "address": to = .address(required(i.address, "adresse", "Indiquez l'adresse e-mail."))
            default: to = .citizen
            }
            action = .email(to: to, subject: required(i.subject, "objet", "L'objet est obligatoire."),
                            body: required(i.body, "texte", "Le texte est obligatoire."))
        case "sms":
            action = .sms(to: required(i.to, "numero", "Indiquez le numéro, par exemple {{ telephone }}."),
                          text: required(i.body, "texte", "Le texte est obligatoire."))
        case "webhook":
            let id = required(i.id, "identifiant", "Un identifiant est obligatoire : la réponse est lue sous reponse_<identifiant>.")
            if !id.isEmpty, !FieldForm.isIdentifier(id) { errors["identifiant"] = "En minuscules, chiffres et _." }
            action = .webhook(id: id, url: required(i.url, "url", "L'adresse est obligatoire."), onError: optional(i.onError))
        case "assign":
            action = .assign(role: required(i.role, "role", "Indiquez le rôle (service)."), agent: optional(i.agent))
        case "set":
            let field = required(i.field, "champ", "Indiquez le champ de suivi.")
            if !field.isEmpty, !FieldForm.isIdentifier(field) { errors["champ"] = "En minuscules, chiffres et _." }
            action = .set(field: field, expression: required(i.expression, "expression", "Indiquez l'expression qui donne sa valeur."),
                          label: optional(i.label))
        case "correction":
            action = .correction(message: required(i.body, "texte", "Le message à l'usager est obligatoire."), then: optional(i.then))
        case "document":
            let id = required(i.id, "identifiant", "Un identifiant est obligatoire.")
            if !id.isEmpty, !FieldForm.isIdentifier(id) { errors["identifiant"] = "En minuscules, chiffres et _." }
            action = .document(id: id, title: required(i.title, "titre", "Le titre est obligatoire."),
                               body: required(i.body, "texte", "Le texte du document est obligatoire."), visibleToCitizen: i.visible)
        case "anonymise": action = .anonymise
        case "delete": action = .delete
        default: return .failure(FieldForm.Errors(messages: ["type": "Choisissez un type d'action."]))
        }
        return errors.isEmpty ? .success(action) : .failure(FieldForm.Errors(messages: errors))
    }

    /// One line describing an action, for the lists.
    static func summary(_ action: WorkflowAction, _ workflow: WorkflowDefinition) -> String {
        func label(_ status: String?) -> String { status.map { workflow.status($0)?.label ?? $0 } ?? "" }
        switch action {
        case .email(let to, let subject, _):
            let who = switch to {
            case .citizen: "à l'usager"
            case .role(let r): "aux agents du service « \(Store.serviceName(r)) »"
            case .address(let a): "à \(a)"
            }
            return "Courriel \(who) : « \(subject) »"
        case .sms(let to, _): return "SMS au \(to)"
        case .webhook(let id, let url, let onError): return "Appel « \(id) » vers \(url)" + (onError.map { ", en cas d'échec : « \(label($0)) »" } ?? "")
        case .assign(let role, let agent): return "Affectation au service « \(Store.serviceName(role)) »" + (agent.map { " (\($0))" } ?? "")
        case .set(let field, let expression, let label): return "Champ de suivi « \(label ?? field) » = \(expression)"
        case .correction(_, let then): return "Demande de complément" + (then.map { ", puis « \(label($0)) »" } ?? "")
        case .document(_, let title, _, let visible): return "Document « \(title) »" + (visible ? "" : " (interne)")
        case .anonymise: return "Anonymisation"
        case .delete: return "Suppression de la demande"
        }
    }
}
