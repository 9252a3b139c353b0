import Foundation
import OpenIDConnect
import SQLKit

extension Store {
    /// The keys that sign and verify now, from memory (`OpenIDState`); the first call after a start creates the
    /// keys if there are none.
    public func keyRing() async throws -> KeyRing {
        let now = clock()
        if let ring = openIDState.ring.value(now: now) { return ring }
        var keys = try await signingKeys()
        if !keys.contains(where: { $0.retiresAt == nil }) || keys.contains(where: { ($0.retiresAt ?? .distantFuture) <= now }) {
            try await rotateKeys(force: false)
            keys = try await signingKeys()
        }
        let ring = try await KeyRing.make(keys, now: now)
        openIDState.ring.keep(ring, readAt: now)
        return ring
    }

    /// Makes new signing keys (`force`: even if there are some; `guichet keys rotate`), keeps the replaced ones
    /// verifying for `overlap`, deletes those past theirs. Concurrent first starts on one PostgreSQL create one
    /// set: the plan is made inside the write transaction, after the table is locked. The keys are generated
    /// before it (an RSA key takes a good part of a second), so the writer, which filings wait for, is not held.
    public func rotateKeys(force: Bool, overlap: TimeInterval = KeyRotation.defaultOverlap) async throws {
        let custody = openIDState.custody, now = clock()
        let postgres = sql.dialect.name == "postgresql"
        var made: [SigningAlgorithm: SigningKey] = [:]
        for algorithm in SigningAlgorithm.allCases { made[algorithm] = try SigningKey.generate(algorithm, at: now) }
        let fresh = made
        try await write { sql in
            if postgres { try await sql.raw("LOCK TABLE oidc_keys IN EXCLUSIVE MODE").run() }
            let keys = try await Self.readKeys(on: sql, custody: custody)
            let plan = try KeyRotation.plan(keys, now: now, overlap: overlap, force: force) { algorithm in
                guard let key = fresh[algorithm] else { throw SigningKey.KeyError.unknownKey }
                return key
            }
            for kid in plan.expired {
                try await sql.raw("DELETE FROM oidc_keys WHERE kid = \(bind: kid)").run()
                if case .files(let folder) = custody { try? FileManager.default.removeItem(at: folder.appendingPathComponent(kid + ".pem")) }
            }
            for (kid, at) in plan.retiring {
                try await sql.raw("UPDATE oidc_keys SET retires_at = \(bind: Self.millis(at)) WHERE kid = \(bind: kid)").run()
            }
            for key in plan.new {
                let stored = try Self.keep(key, custody: custody)
                try await sql.raw("""
                    INSERT INTO oidc_keys (kid, alg, private_key, created_at) VALUES
                    (\(bind: key.kid), \(bind: key.algorithm.rawValue), \(bind: stored), \(bind: Self.millis(now)))
                    """).run()
            }
        }
        openIDState.ring.void()
        cacheBus.announce("oidc-keys", tenant: nil)
    }

    /// Every stored key, private parts opened.
    public func signingKeys() async throws -> [SigningKey] {
        try await Self.readKeys(on: sql, custody: openIDState.custody)
    }

    private static func readKeys(on sql: any SQLDatabase, custody: KeyCustody) async throws -> [SigningKey] {
        struct Row: Decodable { var kid: String; var alg: String; var privateKey: String; var createdAt: Int64; var retiresAt: Int64? }
        let rows = try await sql.raw("SELECT kid, alg, private_key, created_at, retires_at FROM oidc_keys ORDER BY created_at DESC")
            .all(decoding: Row.self, keyDecodingStrategy: .convertFromSnakeCase)
        return try rows.map { row in
            guard let algorithm = SigningAlgorithm(rawValue: row.alg) else { throw SigningKey.KeyError.unreadable }
            return SigningKey(kid: row.kid, algorithm: algorithm, privatePEM: try open(row.privateKey, custody: custody),
                              createdAt: Date(millis: row.createdAt), retiresAt: row.retiresAt.map(Date.init(millis:)))
        }
    }

    /// What the `private_key` column holds for `key`: the sealed PEM, or the name of the owner-only file it was
    /// written to.
    private static func keep(_ key: SigningKey, custody: KeyCustody) throws -> String {
        switch custody {
        case .sealed(let seal): return try seal.seal(key.privatePEM)
        case .files(let folder):
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            let file = folder.appendingPathComponent(key.kid + ".pem")
            guard FileManager.default.createFile(atPath: file.path, contents: Data(key.privatePEM.utf8), attributes: [.posixPermissions: 0o600]) else {
                throw SigningKey.KeyError.unsealable
            }
            return "file:" + key.kid + ".pem"
        }
    }

    private static func open(_ stored: String, custody: KeyCustody) throws -> String {
        if stored.hasPrefix("file:") {
            guard case .files(let folder) = custody else {
                throw StoreError.conflict("signing key \(stored) is in a file but GUICHET_KEYS_SECRET is set: unset it, or rotate the keys")
            }
            let name = String(stored.dropFirst(5))
            guard !name.contains("/"), let data = FileManager.default.contents(atPath: folder.appendingPathComponent(name).path) else {
                throw SigningKey.KeyError.unreadable
            }
            return String(decoding: data, as: UTF8.self)
        }
        guard case .sealed(let seal) = custody else {
            throw StoreError.conflict("signing keys are sealed: set GUICHET_KEYS_SECRET to the secret they were sealed with")
        }
        return try seal.open(stored)
    }
}
