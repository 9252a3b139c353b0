@testable import QRCode
import Testing

/// The parts checked against the standard's own figures; that the whole code scans is checked by a real
/// decoder (zbar) on the page in e2e/test_account_security.py.
@Suite struct QRCodeTests {
    @Test func reedSolomonGivesTheStandardsExample() {
        // ISO/IEC 18004 annex I: "01234567" at 1-M, its 16 data codewords and their 10 error-correction codewords.
        let data: [UInt8] = [0x10, 0x20, 0x0C, 0x56, 0x61, 0x80, 0xEC, 0x11, 0xEC, 0x11, 0xEC, 0x11, 0xEC, 0x11, 0xEC, 0x11]
        #expect(ReedSolomon.remainder(data, divisor: ReedSolomon.divisor(degree: 10)) == [0xA5, 0x24, 0xD4, 0xC1, 0xED, 0x36, 0xC7, 0x87, 0x2C, 0x55])
    }

    @Test func formatAndVersionBitsAreTheStandardsTables() {
        // Annex C: level M with masks 0, 4 and 7; annex D: versions 7 and 10.
        #expect(Grid.formatBits(mask: 0) == 0b101010000010010)
        #expect(Grid.formatBits(mask: 4) == 0b100010111111001)
        #expect(Grid.formatBits(mask: 7) == 0b100101010100000)
        #expect(Grid.versionBits(7) == 0b000111110010010100)
        #expect(Grid.versionBits(10) == 0b001010010011010011)
    }

    @Test func capacitiesAreTheStandardsAtLevelM() {
        // Table 7: data codewords at level M, and the bytes each version holds.
        #expect((1...10).map(QRCode.dataCodewords(version:)) == [16, 28, 44, 64, 86, 108, 124, 154, 182, 216])
        #expect(QRCode(String(repeating: "a", count: 14))?.version == 1)
        #expect(QRCode(String(repeating: "a", count: 15))?.version == 2)
        #expect(QRCode(String(repeating: "a", count: 213))?.version == 10)
        #expect(QRCode(String(repeating: "a", count: 214)) == nil, "too long: the page shows the key alone")
        #expect(Grid.alignmentCentres(version: 7, size: 45) == [6, 22, 38])
    }

    @Test func theCodeHasItsFindersTimingAndDarkModule() throws {
        let code = try #require(QRCode("otpauth://totp/GrandLyon%20Connect:usager%40demo.fr?secret=JBSWY3DPEHPK3PXP&issuer=GrandLyon%20Connect"))
        #expect(code.size == code.version * 4 + 17)
        for (x, y) in [(0, 0), (code.size - 7, 0), (0, code.size - 7)] {
            // A finder: dark ring, light ring, dark 3×3 centre.
            #expect((0..<7).allSatisfy { code.isDark(x: x + $0, y: y) && code.isDark(x: x, y: y + $0) })
            #expect(!code.isDark(x: x + 1, y: y + 1) && code.isDark(x: x + 3, y: y + 3))
        }
        #expect((8..<(code.size - 8)).allSatisfy { code.isDark(x: $0, y: 6) == ($0 % 2 == 0) })
        #expect(code.isDark(x: 8, y: code.size - 8))
    }

    @Test func theSVGIsOnlyNumbersAndTheEscapedTitle() throws {
        let svg = try #require(QRCode("abc")).svg(title: "Clé <de> \"test\"")
        #expect(svg.contains(#"aria-label="Clé &lt;de&gt; &quot;test&quot;""#))
        #expect(svg.hasPrefix("<svg") && svg.hasSuffix("</svg>"))
        #expect(svg.contains(#"viewBox="0 0 29 29""#), "21 modules and the quiet zone")
    }
}
