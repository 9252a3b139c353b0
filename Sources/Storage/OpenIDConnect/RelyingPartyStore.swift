import Foundation
import Identity
import OpenIDConnect
import SQLKit

extension Store {
    /// Registers an application; `.conflict` if its identifier is taken. A confidential one gets a secret,
    /// returned in clear this once (only its hash is kept).
    public func registerRelyingParty(_ party: RelyingParty) async throws -> String? {
        let secret = party.kind == .confidential ? Secret.token() : nil
        let text = try jsonText(party), now = nowMillis
        try await write { sql in
            if try await sql.raw("SELECT id FROM oidc_clients WHERE id = \(bind: party.id)").first() != nil { throw StoreError.conflict("id") }
            // Bound to a service the catalogue does not hold, the application would refuse everyone.
            if let service = party.service, try await sql.raw("SELECT id FROM shared_services WHERE id = \(bind: service)").first() == nil {
                throw StoreError.conflict("service")
            }
            try await sql.raw("""
                INSERT INTO oidc_clients (id, registration, secret_hash, created_at)
                VALUES (\(bind: party.id), \(bind: text), \(bind: secret.map(Secret.hash)), \(bind: now))
                """).run()
        }
        clientsChanged()
        return secret
    }

    /// Changes an application's registration (its secret stays).
    public func updateRelyingParty(_ party: RelyingParty) async throws {
        let text = try jsonText(party)
        try await write { sql in
            try await sql.raw("UPDATE oidc_clients SET registration = \(bind: text) WHERE id = \(bind: party.id)").run()
        }
        clientsChanged()
    }

    /// Removes an application with everything it was given: its grants (so its tokens stop working), codes,
    /// refresh tokens and consents.
    public func removeRelyingParty(id: String) async throws -> Bool {
        let removed = try await write { sql -> Bool in
            guard try await sql.raw("SELECT id FROM oidc_clients WHERE id = \(bind: id)").first() != nil else { return false }
            try await sql.raw("DELETE FROM oidc_refresh_tokens WHERE grant_id IN (SELECT id FROM oidc_grants WHERE client_id = \(bind: id))").run()
            try await sql.raw("DELETE FROM oidc_codes WHERE grant_id IN (SELECT id FROM oidc_grants WHERE client_id = \(bind: id))").run()
            try await sql.raw("DELETE FROM oidc_grants WHERE client_id = \(bind: id)").run()
            try await sql.raw("DELETE FROM oidc_consents WHERE client_id = \(bind: id)").run()
            try await sql.raw("DELETE FROM oidc_clients WHERE id = \(bind: id)").run()
            return true
        }
        clientsChanged()
        return removed
    }

    /// The back-office's view of the applications: the platform's (the Métropole's admins) alone, as they
    /// belong to no collectivité.
    public func relyingParties(in scope: TenantScope) async throws -> [StoredRelyingParty] {
        try scope.requirePlatform()
        return try await relyingParties()
    }

    public func registerRelyingParty(_ party: RelyingParty, in scope: TenantScope) async throws -> String? {
        try scope.requirePlatform()
        return try await registerRelyingParty(party)
    }

    public func removeRelyingParty(id: String, in scope: TenantScope) async throws -> Bool {
        try scope.requirePlatform()
        return try await removeRelyingParty(id: id)
    }

    /// Every application, by name.
    public func relyingParties() async throws -> [StoredRelyingParty] {
        try await relyingPartiesByID().values.sorted { $0.registration.name.lowercased() < $1.registration.name.lowercased() }
    }

    /// One application, from memory (every token request asks); one unknown there is looked for in the
    /// database, in case another process registered it a moment ago.
    public func relyingParty(id: String) async throws -> StoredRelyingParty? {
        if let found = try await relyingPartiesByID()[id] { return found }
        guard try await sql.raw("SELECT id FROM oidc_clients WHERE id = \(bind: id)").first() != nil else { return nil }
        openIDState.clients.void()
        return try await relyingPartiesByID()[id]
    }

    private func clientsChanged() {
        openIDState.clients.void()
        cacheBus.announce("oidc-clients", tenant: nil)
    }

    private func relyingPartiesByID() async throws -> [String: StoredRelyingParty] {
        let now = clock()
        if let cached = openIDState.clients.value(now: now) { return cached }
        let fresh = try await {
            struct Row: Decodable { var registration: String; var secretHash: String?; var createdAt: Int64 }
            let rows = try await sql.raw("SELECT registration, secret_hash, created_at FROM oidc_clients")
                .all(decoding: Row.self, keyDecodingStrategy: .convertFromSnakeCase)
            var byID: [String: StoredRelyingParty] = [:]
            for row in rows {
                let party = try fromJSON(RelyingParty.self, row.registration)
                byID[party.id] = StoredRelyingParty(registration: party, secretHash: row.secretHash, createdAt: Date(millis: row.createdAt))
            }
            return byID
        }()
        openIDState.clients.keep(fresh, readAt: now)
        return fresh
    }
}
