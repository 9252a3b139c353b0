import Conventions
import Foundation
import Storage
import Vapor
import WebSupport

/// The page that tells a person why an application of a shared service (laclasse.com) does not let them in: their
/// commune does not subscribe to it, not yet, or no more; or they have not said which commune they live in.
enum ServiceRefusal {
    struct Page {
        var layout: Layout
        var application: String
        var message: String
        var askCommune: Bool
    }

    static func page(_ req: Request, _ access: ServiceAccess, application: String, service: String) async throws -> Response {
        let names = Dictionary(try await req.store.collectivites().compactMap { c in c.insee.map { ($0, c.name) } }, uniquingKeysWith: { a, _ in a })
        let serviceName = try await req.store.sharedServices().first { $0.id == service }?.name ?? application
        func name(_ insee: String) -> String { names[insee] ?? "Votre commune" }
        let message: String
        switch access {
        case .open: message = ""
        case .noCommune:
            message = "« \(application) » est réservée aux habitants et aux agents des communes qui adhèrent au service \(serviceName). Indiquez votre commune de résidence dans votre compte, puis recommencez depuis l'application."
        case .notMember(let commune):
            message = "\(name(commune)) n'adhère pas au service \(serviceName) de la Métropole : « \(application) » n'est pas ouverte à ses habitants avec ce compte."
        case .notYet(let commune, let from):
            message = "\(name(commune)) adhère au service \(serviceName) à partir du \(FrenchDate.isoDay(from) ?? from) : « \(application) » vous sera ouverte ce jour-là."
        case .stopped(let commune, let on):
            message = "\(name(commune)) a cessé d'adhérer au service \(serviceName) le \(FrenchDate.isoDay(on) ?? on) : « \(application) » n'est plus ouverte à ses habitants avec ce compte."
        }
        let askCommune = if case .noCommune = access { true } else { false }
        return req.guichet.renderer.html("oidc/service_refused", Page(layout: try await Layout.make(req, title: "Accès refusé — \(application)"),
                                                                       application: application, message: message, askCommune: askCommune),
                                         status: .forbidden)
    }
}
