import Fluent
import Foundation
import Storage
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
        if signature.retry { try await store.retryFailingMessages() }
        let counts = try await store.outboxCounts()
        context.console.print("\(counts.pending) message(s) pending, \(counts.failing) failing")
        for entry in try await store.failingMessages() {
            let summary = entry.message.summary
            context.console.print("\(entry.id)  \(summary.kind)  \(entry.attempts) attempt(s)  to \(summary.to)  «\(summary.subject)»  \(entry.lastError ?? "")")
        }
    }
}
