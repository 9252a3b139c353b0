import Foundation
import Identity
import Testing

@Suite struct SecurityEventTests {
    @Test func devicesAreNamedAsPeopleKnowThem() {
        #expect(DeviceLabel.of(userAgent: "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36") == "Chrome sur Android")
        #expect(DeviceLabel.of(userAgent: "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1") == "Safari sur iPhone")
        #expect(DeviceLabel.of(userAgent: "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0") == "Edge sur Windows")
        #expect(DeviceLabel.of(userAgent: "Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0") == "Firefox sur Linux")
        #expect(DeviceLabel.of(userAgent: "python-requests/2.32.3") == "Autre client")
        #expect(DeviceLabel.of(userAgent: nil) == "Appareil inconnu")
        #expect(DeviceLabel.of(userAgent: String(repeating: "Firefox/", count: 10_000)) == "Firefox", "a huge header is read in part")
    }

    @Test func whatIsKeptIsBounded() {
        let event = SecurityEvent(accountID: "a", at: Date(), kind: .applicationDisconnected, ip: String(repeating: "1", count: 500),
                                  device: String(repeating: "d", count: 500), detail: String(repeating: "x", count: 5_000))
        #expect(event.ip?.count == 64 && event.device?.count == 80 && event.detail?.count == 200)
        #expect(Set(SecurityEvent.Kind.allCases.map(\.rawValue)).count == SecurityEvent.Kind.allCases.count, "kinds are stored by name")
        #expect(SecurityEvent.Kind.signInRefused.isAlert && !SecurityEvent.Kind.signIn.isAlert)
    }
}
