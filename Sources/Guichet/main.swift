import GuichetApp

try await GuichetMain.run()
