import Conventions
import Demarches
import Fluent
import Foundation
import Storage
import Territory
import Vapor

/// `guichet migrate`: applies pending migrations (they also run at every start-up), without a prompt.
struct MigrateCommand: AsyncCommand {
    struct Signature: CommandSignature {}
    var help: String { "Applies pending database migrations." }
    func run(using context: CommandContext, signature: Signature) async throws {
        try await context.application.autoMigrate()
        context.console.print("Migrations à jour.")
    }
}

/// `guichet seed`: territory and demo data; running it again changes nothing.
struct SeedCommand: AsyncCommand {
    struct Signature: CommandSignature {}
    var help: String { "Loads the territory and the demo démarches and accounts (idempotent)." }
    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        let report = try await DemoData.seed(app.guichet.store, hash: { try await app.password.async.hash($0) })
        context.console.print(report)
    }
}

/// `guichet outbox`: what waits in the outbox, and why it failed.
struct OutboxCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Flag(name: "retry", help: "Make failing messages due now.") var retry: Bool
    }
    var help: String { "Lists undelivered messages (e-mails, SMS, webhooks); --retry makes failing ones due now." }
    func run(using context: CommandContext, signature: Signature) async throws {
        let store = context.application.guichet.store
        guard let scope = try await store.operatorScope(slug: TerritoryData.metropoleSlug) else { throw BundleCommand.Failure("le territoire n'est pas chargé (guichet seed)") }
        if signature.retry { try await store.retryFailingMessages(in: scope) }
        let counts = try await store.outboxCounts()
        context.console.print("\(counts.pending) message(s) pending, \(counts.failing) failing")
        for entry in try await store.failingMessages(in: scope) {
            let summary = entry.message.summary
            context.console.print("\(entry.id)  \(summary.kind)  \(entry.attempts) attempt(s)  to \(summary.to)  «\(summary.subject)»  \(entry.lastError ?? "")")
        }
    }
}

/// `guichet bundle export|import`: moves a démarche with its data sources between collectivités or instances,
/// as the back-office does. An import is checked whole first; a refused bundle changes nothing.
struct BundleCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Argument(name: "action", help: "export or import") var action: String
        @Option(name: "collectivite", help: "The collectivité's slug (e.g. caluire-et-cuire).") var collectivite: String?
        @Option(name: "demarche", help: "export: the démarche's slug.") var demarche: String?
        @Option(name: "file", help: "import: the bundle file; export: where to write it (default: standard output).") var file: String?
    }
    var help: String { "Exports a démarche with its data sources as one JSON bundle, or imports one (new démarches arrive offline)." }

    func run(using context: CommandContext, signature: Signature) async throws {
        let store = context.application.guichet.store
        guard let slug = signature.collectivite, let scope = try await store.operatorScope(slug: slug) else {
            throw Failure("--collectivite: collectivité inconnue")
        }
        switch signature.action {
        case "export":
            guard let bundle = try await store.bundle(slug: signature.demarche ?? "", in: scope) else { throw Failure("--demarche: démarche inconnue") }
            if let file = signature.file { try bundle.canonicalJSON().write(to: URL(fileURLWithPath: file)) }
            else { context.console.print(String(decoding: bundle.canonicalJSON(), as: UTF8.self)) }
        case "import":
            guard let file = signature.file else { throw Failure("--file: le paquet à importer") }
            switch DemarcheBundle.parse(json: try Data(contentsOf: URL(fileURLWithPath: file))) {
            case .failure(let error): throw Failure("Paquet refusé, rien n'a été importé :\n" + error.problems.map { "  - \($0)" }.joined(separator: "\n"))
            case .success(let bundle):
                let exists = try await store.demarches(in: scope).contains { $0.slug == bundle.demarche.slug }
                let imported = try await store.importBundle(bundle, online: exists ? nil : false, in: scope)
                context.console.print("« \(bundle.demarche.title) » importée en version \(imported.version)" + (exists ? "." : ", hors ligne."))
            }
        default: throw Failure("action: export ou import")
        }
    }

    struct Failure: Error, CustomStringConvertible { var description: String; init(_ d: String) { description = d } }
}

/// `guichet import populations|syntec|montants-2025|conventions --file F`: the finance department's CSV files
/// (formats in docs/CONVENTIONS.md). A file with one bad row is refused whole, each bad row named with its line.
struct ConventionImportCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Argument(name: "what", help: "populations, syntec, montants-2025 or conventions") var what: String
        @Option(name: "file", help: "the CSV file") var file: String?
    }
    var help: String { "Imports a convention cadre CSV file (populations, Syntec index, 2025 amounts, conventions); a file with a bad row changes nothing." }

    func run(using context: CommandContext, signature: Signature) async throws {
        let store = context.application.guichet.store
        guard let path = signature.file else { throw BundleCommand.Failure("--file : le fichier CSV à importer") }
        let text = try String(contentsOf: URL(fileURLWithPath: path), encoding: .utf8)
        guard let kind = ConventionImports.Kind(rawValue: signature.what) else {
            throw BundleCommand.Failure("à importer : populations, syntec, montants-2025 ou conventions")
        }
        do {
            context.console.print(try await store.importConventionFile(kind, text: text, author: "ligne de commande (\(ProcessInfo.processInfo.userName))",
                                                                     in: try await store.platformScope()))
        } catch let errors as ConventionImports.ImportErrors {
            throw BundleCommand.Failure("Fichier refusé, rien n'a été importé :\n" + errors.lines.map { "  - \($0)" }.joined(separator: "\n"))
        }
    }
}

/// `guichet contributions --year N [--format csv|json] [--prorata jour|annee]`: the billing year's contributions,
/// one line per commune and service with every figure it comes from; what is missing is said on standard error.
struct ContributionsCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Option(name: "year", help: "billing year") var year: Int?
        @Option(name: "format", help: "csv (default) or json") var format: String?
        @Option(name: "prorata", help: "a year partly covered: jour (by the day, default) or annee (in full)") var prorata: String?
    }
    var help: String { "Prints a billing year's contributions per commune and service, as CSV or JSON." }

    func run(using context: CommandContext, signature: Signature) async throws {
        guard let year = signature.year, ServiceCatalogue.billingYears.contains(year) else {
            throw BundleCommand.Failure("--year : une année de facturation, \(ServiceCatalogue.baseYear) ou après")
        }
        let rule: PartialYearRule = signature.prorata == "annee" ? .wholeYear : .daily
        let inputs = try await context.application.guichet.store.contributionInputs(partialYear: rule)
        let (lines, problems) = ContributionsReport.lines(year: year, inputs)
        for problem in problems { FileHandle.standardError.write(Data("attention : \(problem)\n".utf8)) }
        switch signature.format ?? "csv" {
        case "csv": FileHandle.standardOutput.write(Data(ContributionsReport.csv(lines).utf8))
        case "json":
            let rows = lines.map { l -> [String: String] in
                let c = l.contribution
                return ["code_insee": l.insee, "commune": l.commune, "service": c.serviceID, "offre": c.offer?.rawValue ?? "",
                        "population": "\(c.population)", "millesime": "\(c.populationYear)", "cible": Money.plain(c.target),
                        "plafond_applique": c.capApplied ? "oui" : "non", "montant": Money.plain(c.amount)]
            }
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
            FileHandle.standardOutput.write(try encoder.encode(["annee": "\(year)", "total": Money.plain(lines.reduce(Decimal(0)) { $0 + $1.contribution.amount })]))
            FileHandle.standardOutput.write(Data("\n".utf8))
            FileHandle.standardOutput.write(try encoder.encode(rows))
            FileHandle.standardOutput.write(Data("\n".utf8))
        default: throw BundleCommand.Failure("--format : csv ou json")
        }
    }
}
