import Expressions
import Foundation
import Territory
import Workflow

/// The acknowledgement of receipt a request is owed (Code des relations entre le public et l'administration,
/// L112-11 and R112-11-1): when it was received, which service handles it and how to reach it, the legal deadline
/// and what silence means at its end — with the ways of appeal when silence means rejection, the right to an
/// attestation when it means acceptance — and how to follow the request. The receipt page, e-mail and PDF all
/// say these same lines.
public struct Acknowledgement: Sendable, Equatable {
    public struct Line: Sendable, Equatable {
        public var label: String
        public var text: String
    }

    public var lines: [Line]

    public init(demarche: DemarcheDefinition, collectivite: Collectivite, number: String, receivedAt: Date, followURL: String) {
        var lines = [
            Line(label: "Demande", text: "« \(demarche.title) », n° \(number)"),
            Line(label: "Reçue le", text: Self.french(receivedAt)),
            Line(label: "Service chargé de la demande", text: collectivite.name + (collectivite.townHall.map { " — \($0.address)" } ?? "")),
        ]
        if let hall = collectivite.townHall {
            let contact = [hall.phone.map { "téléphone \($0)" }, hall.email.map { "e-mail \($0)" }].compactMap { $0 }
            if !contact.isEmpty { lines.append(Line(label: "Contact", text: contact.joined(separator: ", "))) }
        }
        if let deadline = demarche.workflow.deadline {
            let end = Self.frenchDay(deadline.delay.after(receivedAt, in: LocalTime.calendar))
            switch deadline.silence {
            case .accord:
                lines.append(Line(label: "Délai de réponse", text: "\(deadline.delay.french), soit jusqu'au \(end). Sans réponse à cette date, la demande est réputée acceptée (décision implicite d'acceptation) ; vous pourrez alors en demander l'attestation (article L232-3 du code des relations entre le public et l'administration)."))
            case .rejet:
                lines.append(Line(label: "Délai de réponse", text: "\(deadline.delay.french), soit jusqu'au \(end). Sans réponse à cette date, la demande est réputée rejetée (décision implicite de rejet)."))
                lines.append(Line(label: "Voies et délais de recours", text: Decision.appealWays(authority: collectivite.name)))
            }
            lines.append(Line(label: "Pièces manquantes", text: "Si le service vous demande de compléter la demande, le délai ne court qu'à partir de la réception des pièces demandées."))
        } else {
            lines.append(Line(label: "Délai de réponse", text: "Cette démarche ne conduit pas à une décision implicite : le service vous informera de la suite donnée."))
        }
        lines.append(Line(label: "Suivi", text: "\(followURL) — avec le numéro et le code de suivi, sans compte, ou depuis votre compte."))
        self.lines = lines
    }

    /// As plain text, for the e-mail and the PDF.
    public var text: String { lines.map { "\($0.label) : \($0.text)" }.joined(separator: "\n") }

    static func french(_ date: Date) -> String {
        let c = LocalTime.calendar.dateComponents([.year, .month, .day, .hour, .minute], from: date)
        return frenchDay(date) + String(format: " à %02d h %02d", c.hour ?? 0, c.minute ?? 0)
    }

    static func frenchDay(_ date: Date) -> String {
        let c = LocalTime.calendar.dateComponents([.year, .month, .day], from: date)
        return CivilDate.french(String(format: "%04d-%02d-%02d", c.year ?? 0, c.month ?? 0, c.day ?? 0))
    }
}
