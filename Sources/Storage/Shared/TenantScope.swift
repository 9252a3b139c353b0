import Foundation
import SQLKit
import Territory
import Workflow

/// The only way to reach tenant data. A scope names one collectivité and who is acting; every tenant query in
/// this target takes one and filters on its collectivité. Scopes are made here only, after the checks below,
/// so the HTTP layer cannot forge one for a collectivité the person does not belong to.
public struct TenantScope: Sendable {
    enum Access: Sendable, Equatable {
        /// A citizen (signed in or not) on the collectivité's portal: published démarches only.
        case citizen
        /// An agent holding these roles in the collectivité.
        case agent(accountID: String, roles: Set<String>)
        /// The operator running the command line (seeding, imports).
        case operatorCLI
    }

    public let collectivite: Collectivite
    let access: Access
    public var slug: String { collectivite.slug }

    public var isAdmin: Bool {
        switch access {
        case .operatorCLI: true
        case .agent(_, let roles): roles.contains(Self.adminRole)
        case .citizen: false
        }
    }

    /// Whether this scope may publish démarches and design them: an admin of a collectivité that authors its own
    /// (the Métropole, a *partenaire* commune), or the command line, which installs an *abonné*'s frozen catalogue.
    var mayAuthor: Bool {
        access == .operatorCLI || (isAdmin && collectivite.authorsDemarches)
    }

    /// Whether this scope runs the platform the Métropole operates for everyone (the outbox, the convention cadre,
    /// communes' first admins): the Métropole's admins, and the command line.
    public var runsPlatform: Bool {
        access == .operatorCLI || (isAdmin && collectivite.kind == .metropole)
    }

    /// Refuses anyone else than those who run the platform.
    func requirePlatform() throws {
        guard runsPlatform else { throw StoreError.forbidden }
    }

    var agentRoles: Set<String> {
        if case .agent(_, let roles) = access { return roles }
        return []
    }

    /// The roles this scope acts with on a workflow: an admin may make any of its transitions.
    public func roles(on workflow: WorkflowDefinition) -> Set<String> {
        isAdmin ? workflow.roles : agentRoles
    }

    public var agentID: String? {
        if case .agent(let id, _) = access { return id }
        return nil
    }

    static let adminRole = "admin"
}

extension Store {
    /// The portal scope of a collectivité that has an instance; nil otherwise.
    public func citizenScope(slug: String) async throws -> TenantScope? {
        guard let c = try await collectivite(slug: slug), c.hasInstance else { return nil }
        return TenantScope(collectivite: c, access: .citizen)
    }

    /// An agent's scope, only if the account holds at least one role in that collectivité's back-office.
    public func agentScope(slug: String, accountID: String) async throws -> TenantScope? {
        guard let c = try await collectivite(slug: slug), c.hasBackOffice else { return nil }
        let roles = try await sql.raw("""
            SELECT role FROM agent_roles WHERE account_id = \(bind: accountID) AND collectivite = \(bind: slug)
            """).all(decodingColumn: "role", as: String.self)
        return roles.isEmpty ? nil : TenantScope(collectivite: c, access: .agent(accountID: accountID, roles: Set(roles)))
    }

    /// For the command line only (`guichet seed`, imports): full rights in one collectivité.
    public func operatorScope(slug: String) async throws -> TenantScope? {
        try await collectivite(slug: slug).map { TenantScope(collectivite: $0, access: .operatorCLI) }
    }

    /// For the command line only: the Métropole's scope, to change what runs the platform (the convention cadre).
    public func platformScope() async throws -> TenantScope {
        guard let scope = try await operatorScope(slug: TerritoryData.metropoleSlug) else { throw StoreError.notFound }
        return scope
    }
}
