import Foundation
import GuichetApp

// The error was logged where it happened; a command that fails exits with status 1, without a crash report.
do { try await GuichetMain.run() } catch { exit(1) }
