import Foundation
import Logging
import Vapor

/// The `guichet` executable's entry point: `serve` (default), `migrate`, `seed`, `outbox`.
public enum GuichetMain {
    public static func run() async throws {
        var env = try Environment.detect()
        if ProcessInfo.processInfo.environment["LOG_FORMAT"] == "json" {
            let level = ProcessInfo.processInfo.environment["LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:)) ?? .info
            LoggingSystem.bootstrap { label in
                var handler = JSONLogHandler(label: label)
                handler.logLevel = level
                return handler
            }
        } else {
            try LoggingSystem.bootstrap(from: &env)
        }
        let app = try await Application.make(env)
        do {
            try await configure(app, try GuichetConfiguration.fromEnvironment())
        } catch {
            app.logger.report(error: error)
            try? await app.asyncShutdown()
            throw error
        }
        do {
            // A failing command's error is logged by Vapor's console.
            try await app.execute()
        } catch {
            try? await app.asyncShutdown()
            throw error
        }
        try await app.asyncShutdown()
    }
}

/// One JSON object per line, for log collectors; Vapor's request logger carries `request-id` in the metadata.
struct JSONLogHandler: LogHandler {
    let label: String
    var logLevel: Logger.Level = .info
    var metadata: Logger.Metadata = [:]

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(level: Logger.Level, message: Logger.Message, metadata explicit: Logger.Metadata?, source: String,
             file: String, function: String, line: UInt) {
        var fields: [String: String] = ["level": level.rawValue, "logger": label, "message": message.description,
                                        "time": ISO8601DateFormatter().string(from: Date())]
        for (k, v) in metadata.merging(explicit ?? [:], uniquingKeysWith: { $1 }) { fields[k] = "\(v)" }
        guard let data = try? JSONSerialization.data(withJSONObject: fields, options: [.sortedKeys]) else { return }
        FileHandle.standardOutput.write(data + Data("\n".utf8))
    }
}
