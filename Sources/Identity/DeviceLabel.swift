/// « Firefox sur Android »: what a person recognises of a browser in « Mes sessions » and the security journal.
/// Only this label is kept, not the User-Agent header (it fingerprints, and it is whatever the client sent).
public enum DeviceLabel {
    public static func of(userAgent: String?) -> String {
        guard let agent = userAgent?.prefix(512), !agent.isEmpty else { return "Appareil inconnu" }
        // Order matters: Edge and Opera also say Chrome, Chrome also says Safari, Android also says Linux.
        let browsers: [(String, String)] = [("Edg/", "Edge"), ("OPR/", "Opera"), ("Firefox/", "Firefox"), ("FxiOS/", "Firefox"),
                                            ("CriOS/", "Chrome"), ("Chromium/", "Chromium"), ("Chrome/", "Chrome"), ("Safari/", "Safari")]
        let systems: [(String, String)] = [("Android", "Android"), ("iPhone", "iPhone"), ("iPad", "iPad"), ("Windows", "Windows"),
                                           ("Mac OS X", "macOS"), ("CrOS", "ChromeOS"), ("Linux", "Linux")]
        let browser = browsers.first { agent.contains($0.0) }?.1
        let system = systems.first { agent.contains($0.0) }?.1
        switch (browser, system) {
        case let (browser?, system?): return "\(browser) sur \(system)"
        case let (browser?, nil): return browser
        case let (nil, system?): return "Navigateur sur \(system)"
        case (nil, nil): return "Autre client"
        }
    }
}
