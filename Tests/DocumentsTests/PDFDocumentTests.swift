@testable import Documents
import Foundation
import XCTest

final class PDFDocumentTests: XCTestCase {
    func testTheCrossReferenceTablePointsAtEveryObject() throws {
        let pdf = PDFDocument(title: "Attestation", body: "Bonjour", footer: "Lyon").render()
        let text = String(decoding: pdf, as: UTF8.self)
        XCTAssertTrue(text.hasPrefix("%PDF-1.4"))
        XCTAssertTrue(text.hasSuffix("%%EOF\n"))
        let startxref = try XCTUnwrap(text.range(of: "startxref\n"))
        let xrefOffset = try XCTUnwrap(Int(text[startxref.upperBound...].prefix { $0.isNumber }))
        XCTAssertEqual(String(decoding: pdf[xrefOffset..<(xrefOffset + 4)], as: UTF8.self), "xref")
        // Every "n" entry of the table is the byte offset of "k 0 obj".
        let table = String(decoding: pdf[xrefOffset...], as: UTF8.self).split(separator: "\n").dropFirst(3)
        var object = 1
        for entry in table where entry.hasSuffix(" n ") {
            let offset = try XCTUnwrap(Int(entry.prefix(10)))
            XCTAssertEqual(String(decoding: pdf[offset..<(offset + "\(object) 0 obj".utf8.count)], as: UTF8.self), "\(object) 0 obj")
            object += 1
        }
        XCTAssertEqual(object, 7, "catalogue, pages, two fonts, one page and its content")
    }

    func testFrenchTextIsWrittenInWinAnsiWithItsSpecialCharactersEscaped() {
        let literal = PDFDocument.literal("Décision (n° 12) : 50 € \\ l’été")
        XCTAssertEqual(Array(literal), [0x28] + Array("D".utf8) + [0xE9] + Array("cision ".utf8) + [0x5C, 0x28] + Array("n".utf8) + [0xB0]
            + Array(" 12".utf8) + [0x5C, 0x29] + Array(" : 50 ".utf8) + [0x80] + Array(" ".utf8) + [0x5C, 0x5C] + Array(" l".utf8) + [0x92]
            + Array("".utf8) + [0xE9] + Array("t".utf8) + [0xE9] + [0x29])
        XCTAssertEqual(Array(PDFDocument.literal("漢")), [0x28, 0x3F, 0x29])
    }

    func testLongTextWrapsAtSpacesAndFlowsOntoMorePages() {
        let words = (1...40).map { "mot\($0)" }.joined(separator: " ")
        let lines = PDFDocument.wrap(words + "\n\nfin", width: 30)
        XCTAssertTrue(lines.allSatisfy { $0.count <= 30 })
        XCTAssertEqual(lines.filter { !$0.isEmpty }.joined(separator: " "), words + " fin")
        XCTAssertEqual(lines.suffix(2), ["", "fin"])
        XCTAssertEqual(PDFDocument.wrap(String(repeating: "x", count: 70), width: 30).map(\.count), [30, 30, 10])

        let long = PDFDocument(title: "T", body: Array(repeating: "ligne", count: 120).joined(separator: "\n"), footer: "f").render()
        XCTAssertTrue(String(decoding: long, as: UTF8.self).contains("/Count 3"))
    }
}
