import Demarches
import Foundation
import Identity
import SQLKit
import Territory

/// An agent of a collectivité as its admins manage them.
public struct AgentSummary: Sendable, Equatable {
    public var accountID: String
    public var email: String
    public var name: String
    public var roles: [String]
    /// Invited, not yet signed in with a password of their own.
    public var pending: Bool
}

/// One line of a collectivité's agent journal.
public struct AgentJournalEntry: Sendable, Equatable {
    public var at: Date
    public var author: String
    public var target: String
    public var description: String
}

/// An invitation made: the account (new or existing) and the one-time link's secret, in clear this once.
public struct AgentInvitation: Sendable {
    public var accountID: String
    public var created: Bool
    public var token: String
}

extension Store {
    /// How long an invitation link works.
    public static let invitationLifetime: TimeInterval = 7 * 86_400

    /// Who may manage a collectivité's agents: its admins and the command line. The Métropole's admins may also
    /// give a commune its first admin (`invite` with the admin role), and nothing else there.
    private func mayManageAgents(of collectivite: String, in scope: TenantScope, invitingAdmin: Bool = false) throws {
        if scope.access == .operatorCLI { return }
        guard scope.isAdmin else { throw StoreError.forbidden }
        if scope.slug == collectivite { return }
        guard invitingAdmin, scope.collectivite.kind == .metropole else { throw StoreError.forbidden }
    }

    /// The collectivité's agents, by name, with their roles there.
    public func agents(of collectivite: String, in scope: TenantScope) async throws -> [AgentSummary] {
        try mayManageAgents(of: collectivite, in: scope)
        struct Row: Decodable { var id: String; var email: String; var name: String; var passwordHash: String; var role: String }
        let rows = try await sql.raw("""
            SELECT a.id, a.email, a.name, a.password_hash, r.role FROM agent_roles r JOIN accounts a ON a.id = r.account_id
            WHERE r.collectivite = \(bind: collectivite) ORDER BY a.id, r.role
            """).all(decoding: Row.self, keyDecodingStrategy: .convertFromSnakeCase)
        var agents: [AgentSummary] = []
        for row in rows {
            if agents.last?.accountID == row.id { agents[agents.count - 1].roles.append(row.role) }
            else { agents.append(AgentSummary(accountID: row.id, email: row.email, name: row.name, roles: [row.role], pending: row.passwordHash.isEmpty)) }
        }
        return agents.sortedFrench(by: { $0.name + " " + $0.email })
    }

    /// Gives `email` these roles in the collectivité — creating the account if there is none, without a
    /// password — and a one-time link (7 days) to choose one; `mail` writes the invitation, queued in the same
    /// transaction (the command line prints the link instead). Re-inviting a disabled account enables it again.
    public func inviteAgent(email: String, name: String, roles: [String], to collectivite: String, in scope: TenantScope,
                            author: String, mail: (@Sendable (_ token: String) -> OutboxMail)?) async throws -> AgentInvitation {
        try mayManageAgents(of: collectivite, in: scope, invitingAdmin: roles == [TenantScope.adminRole])
        let email = email.lowercased()
        let roles = Array(Set(roles)).sorted()
        guard !roles.isEmpty, roles.allSatisfy(Self.isRoleName) else { throw StoreError.conflict("roles") }
        guard let target = try await self.collectivite(slug: collectivite), target.hasBackOffice else { throw StoreError.notFound }
        let token = Secret.token()
        let now = nowMillis
        let (accountID, created) = try await write { sql -> (String, Bool) in
            let existing = try await sql.raw("SELECT id FROM accounts WHERE email = \(bind: email)").first(decodingColumn: "id", as: String.self)
            let id = existing ?? newID()
            if existing == nil {
                try await sql.raw("""
                    INSERT INTO accounts (id, email, name, password_hash, confirmed_at, created_at)
                    VALUES (\(bind: id), \(bind: email), \(bind: name), '', NULL, \(bind: now))
                    """).run()
            } else {
                try await sql.raw("UPDATE accounts SET disabled_at = NULL WHERE id = \(bind: id)").run()
            }
            try await Self.insertRoles(roles, accountID: id, collectivite: collectivite, on: sql)
            try await Self.insertToken(token, accountID: id, purpose: .resetPassword, label: "invitation",
                                       expiresAt: now + Int64(Self.invitationLifetime * 1000), at: now, on: sql)
            try await self.journal(on: sql, collectivite: collectivite, author: author, target: email,
                                   "Invité avec les rôles : \(roles.joined(separator: ", "))", at: now)
            if let mail { try await self.enqueue([mail(token)], on: sql) }
            return (id, existing == nil)
        }
        return AgentInvitation(accountID: accountID, created: created, token: token)
    }

    /// Replaces an agent's roles in the collectivité. Refused when it would leave the collectivité without an
    /// admin (`.conflict("dernier-admin")`); an empty list is `disableAgent`'s job.
    public func setAgentRoles(accountID: String, roles: [String], of collectivite: String, in scope: TenantScope, author: String) async throws {
        try mayManageAgents(of: collectivite, in: scope)
        let roles = Array(Set(roles)).sorted()
        guard !roles.isEmpty, roles.allSatisfy(Self.isRoleName) else { throw StoreError.conflict("roles") }
        let now = nowMillis
        try await write { sql in
            let before = try await self.roles(of: accountID, in: collectivite, on: sql)
            guard !before.isEmpty else { throw StoreError.notFound }
            if before.contains(TenantScope.adminRole), !roles.contains(TenantScope.adminRole) {
                try await self.keepAnAdmin(collectivite, other: accountID, on: sql)
            }
            try await sql.raw("DELETE FROM agent_roles WHERE account_id = \(bind: accountID) AND collectivite = \(bind: collectivite)").run()
            try await Self.insertRoles(roles, accountID: accountID, collectivite: collectivite, on: sql)
            // Roles are read at every request: the change applies from the agent's next page, no session to end.
            try await self.journal(on: sql, collectivite: collectivite, author: author, target: try await self.email(of: accountID, on: sql),
                                   "Rôles : \(before.joined(separator: ", ")) → \(roles.joined(separator: ", "))", at: now)
        }
    }

    /// Ends an agent's access to the collectivité at once: its roles there and its API tokens for it go, and
    /// every session of the account ends. An account left without any role anywhere is disabled (it can no
    /// longer sign in) until invited again.
    public func disableAgent(accountID: String, of collectivite: String, in scope: TenantScope, author: String) async throws {
        try mayManageAgents(of: collectivite, in: scope)
        let now = nowMillis
        try await write { sql in
            let before = try await self.roles(of: accountID, in: collectivite, on: sql)
            guard !before.isEmpty else { throw StoreError.notFound }
            if before.contains(TenantScope.adminRole) { try await self.keepAnAdmin(collectivite, other: accountID, on: sql) }
            try await sql.raw("DELETE FROM agent_roles WHERE account_id = \(bind: accountID) AND collectivite = \(bind: collectivite)").run()
            try await sql.raw("DELETE FROM tokens WHERE account_id = \(bind: accountID) AND purpose = 'api' AND collectivite = \(bind: collectivite)").run()
            let elsewhere = try await sql.raw("SELECT COUNT(*) AS n FROM agent_roles WHERE account_id = \(bind: accountID)")
                .first(decodingColumn: "n", as: Int.self) ?? 0
            try await sql.raw("""
                UPDATE accounts SET session_epoch = session_epoch + 1\(unsafeRaw: elsewhere == 0 ? ", disabled_at = \(now)" : "") WHERE id = \(bind: accountID)
                """).run()
            if elsewhere == 0 { try await sql.raw("DELETE FROM tokens WHERE account_id = \(bind: accountID)").run() }
            try await self.journal(on: sql, collectivite: collectivite, author: author, target: try await self.email(of: accountID, on: sql),
                                   "Désactivé (rôles retirés : \(before.joined(separator: ", ")))", at: now)
        }
    }

    /// The collectivité's agent journal, newest first.
    public func agentJournal(of collectivite: String, in scope: TenantScope, limit: Int = 200) async throws -> [AgentJournalEntry] {
        try mayManageAgents(of: collectivite, in: scope)
        struct Row: Decodable { var at: Int64; var author: String; var target: String; var description: String }
        return try await sql.raw("""
            SELECT at, author, target, description FROM agent_journal WHERE collectivite = \(bind: collectivite)
            ORDER BY seq DESC LIMIT \(unsafeRaw: String(max(1, min(limit, 1000))))
            """).all(decoding: Row.self).map { AgentJournalEntry(at: Date(millis: $0.at), author: $0.author, target: $0.target, description: $0.description) }
    }

    /// The communes' admins, for the Métropole's admins who give a commune its first one.
    public func communeAdminCounts(in scope: TenantScope) async throws -> [String: Int] {
        try scope.requirePlatform()
        struct Row: Decodable { var collectivite: String; var n: Int }
        let rows = try await sql.raw("SELECT collectivite, COUNT(*) AS n FROM agent_roles WHERE role = 'admin' GROUP BY collectivite")
            .all(decoding: Row.self)
        return Dictionary(uniqueKeysWithValues: rows.map { ($0.collectivite, $0.n) })
    }

    /// Lower-case letters, digits and hyphens, as démarches' workflows name roles.
    static func isRoleName(_ role: String) -> Bool {
        (1...40).contains(role.count) && role.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-" }
    }

    private func roles(of accountID: String, in collectivite: String, on sql: any SQLDatabase) async throws -> [String] {
        try await sql.raw("""
            SELECT role FROM agent_roles WHERE account_id = \(bind: accountID) AND collectivite = \(bind: collectivite) ORDER BY role
            """).all(decodingColumn: "role", as: String.self)
    }

    private func keepAnAdmin(_ collectivite: String, other accountID: String, on sql: any SQLDatabase) async throws {
        let others = try await sql.raw("""
            SELECT COUNT(*) AS n FROM agent_roles WHERE collectivite = \(bind: collectivite) AND role = 'admin' AND account_id <> \(bind: accountID)
            """).first(decodingColumn: "n", as: Int.self) ?? 0
        if others == 0 { throw StoreError.conflict("dernier-admin") }
    }

    private func email(of accountID: String, on sql: any SQLDatabase) async throws -> String {
        try await sql.raw("SELECT email FROM accounts WHERE id = \(bind: accountID)").first(decodingColumn: "email", as: String.self) ?? accountID
    }

    private func journal(on sql: any SQLDatabase, collectivite: String, author: String, target: String, _ description: String, at now: Int64) async throws {
        let seq = (try await sql.raw("SELECT MAX(seq) AS s FROM agent_journal").first(decodingColumn: "s", as: Int64?.self) ?? nil).map { $0 + 1 } ?? 1
        try await sql.raw("""
            INSERT INTO agent_journal (id, seq, collectivite, at, author, target, description)
            VALUES (\(bind: newID()), \(bind: seq), \(bind: collectivite), \(bind: now), \(bind: author), \(bind: target), \(bind: description))
            """).run()
    }
}

extension Store {
    /// The services (roles) a collectivité has: those the shipped démarches name, and any its agents hold; admin
    /// aside. What the designer offers, and what a published workflow may name.
    public func serviceRoles(of collectivite: String) async throws -> [(slug: String, name: String)] {
        let held = try await sql.raw("""
            SELECT DISTINCT role FROM agent_roles WHERE collectivite = \(bind: collectivite) AND role <> \(bind: TenantScope.adminRole)
            """).all(decodingColumn: "role", as: String.self)
        let shipped = DemoCatalogue.roles
        let known = Set(shipped.map(\.slug))
        return shipped + Set(held).subtracting(known).sorted().map { ($0, $0) }
    }

    /// A service's name as agents read it: the shipped services' names; a role only agents hold is named by itself
    /// (as `serviceRoles` names it), so no query is needed.
    public static func serviceName(_ role: String) -> String {
        DemoCatalogue.roles.first { $0.slug == role }?.name ?? role
    }
}
