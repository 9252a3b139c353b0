import Demarches
import Foundation
import Storage
import Territory
import Workflow

/// French date formatting in the Paris time zone.
public enum FrenchDate {
    private static let formatter: DateFormatter = {
        let f = DateFormatter()
        f.locale = Locale(identifier: "fr_FR")
        f.timeZone = LocalTime.calendar.timeZone
        f.dateFormat = "dd/MM/yyyy 'à' HH 'h' mm"
        return f
    }()
    private static let lock = NSLock()

    public static func string(_ date: Date) -> String { lock.withLock { formatter.string(from: date) } }
    public static func string(millis: Int64) -> String { string(Date(timeIntervalSince1970: Double(millis) / 1000)) }

    /// The day alone, in Lyon: « 22/12/2026 ».
    public static func day(_ date: Date) -> String { String(string(date).prefix(10)) }

    /// A `YYYY-MM-DD` day as French readers write it (« 24/08/1962 »); nil for anything else.
    public static func isoDay(_ text: String) -> String? {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2, parts.allSatisfy({ $0.allSatisfy(\.isNumber) }) else { return nil }
        return "\(parts[2])/\(parts[1])/\(parts[0])"
    }
}

/// A status as a coloured badge.
public struct StatusVM {
    var label: String
    var colour: String
    public init(_ workflow: WorkflowDefinition, _ id: String) {
        let status = workflow.status(id)
        label = status?.label ?? id
        colour = status?.colour.rawValue ?? "grey"
    }
}

/// A history entry as shown; notes, back-office workings and moves into hidden statuses only ever reach agents'
/// pages (the store filters them for citizens).
public struct EventVM {
    var date: String
    var actor: String
    var text: String
    var body: String?
    var isNote: Bool
    /// Files the citizen sent with this message.
    var files: [DataItem.FileLink]

    /// - Parameters:
    ///   - replyFiles: the files sent with the citizen's messages, by history line (`DemandeDetail.replyFiles`).
    ///   - fileURL: where each is downloaded from, for whoever is looking.
    ///   - toCitizen: the citizen's own page, where messages read « Message du service » and « Votre message ».
    public static func list(_ events: [DemandeEvent], workflow: WorkflowDefinition, replyFiles: [Int: [StoredFile]] = [:],
                            toCitizen: Bool = false, fileURL: (StoredFile) -> String = { _ in "" }) -> [EventVM] {
        events.reversed().map { e in
            let status = workflow.status(e.toStatus ?? "")
            let text: String = switch e.eventKind {
            case .submitted: "Demande déposée"
            case .transition: "Statut : \(status?.label ?? e.toStatus ?? "")"
            case .note: "Note interne"
            case .message: toCitizen ? "Message du service" : "Message à l'usager"
            case .assigned: "Affectation"
            case .document: "Document produit"
            case .anonymised: "Données personnelles effacées"
            case .action: "Action"
            case .correctionRequested: "Correction demandée à l'usager"
            case .corrected: "Demande corrigée par l'usager"
            case .reply: toCitizen ? "Votre message" : "Message de l'usager"
            case .webhookAnswered: "Appel de service réussi"
            case .webhookFailed: "Appel de service en échec"
            case .reopened: "Demande rouverte — statut : \(status?.label ?? e.toStatus ?? "")"
            case .relayed: "Demande relayée à la commune"
            case .relayAcknowledged: "Réception confirmée par la commune"
            case .rerouted: "Demande réorientée"
            case nil: e.kind
            }
            let actor = switch e.actorKind {
            case "agent": "\(e.actorName) (agent)"
            case "system": "Traitement automatique"
            case "commune": toCitizen ? e.actorName : "\(e.actorName) (lien de relais)"
            default: e.actorName
            }
            return EventVM(date: FrenchDate.string(millis: e.at), actor: actor, text: text, body: e.body, isNote: e.eventKind == .note,
                           files: (replyFiles[e.seq] ?? []).map { .of($0, url: fileURL($0)) })
        }
    }
}
