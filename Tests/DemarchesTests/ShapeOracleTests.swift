@testable import Demarches
import Expressions
import Workflow
import Foundation
import XCTest

/// The hand-written checks replaced regular expressions (too slow on the submission path). Each is compared here
/// with the expression it replaced, on thousands of generated strings drawn from the characters that matter.
final class ShapeOracleTests: XCTestCase {
    /// SplitMix64: the same strings on every run.
    struct Generator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        mutating func string(from alphabet: [Character], maxLength: Int) -> String {
            String((0..<Int(next() % UInt64(maxLength + 1))).map { _ in alphabet[Int(next() % UInt64(alphabet.count))] })
        }
        /// A string built from pieces, so that well-formed values come up often, not once in a million.
        mutating func pieces(_ parts: [String], count: Int) -> String {
            (0..<(1 + Int(next() % UInt64(count)))).map { _ in parts[Int(next() % UInt64(parts.count))] }.joined()
        }
    }

    func testEmailAgreesWithTheRegularExpression() {
        var g = Generator(state: 1)
        let pieces = ["a", "b9", ".", "@", "-", "+", "fr", "exemple", "x-y", "..", " ", "é", "_", "a@b.fr"]
        var valid = 0
        for _ in 0..<4_000 {
            let s = g.pieces(pieces, count: 8)
            let expected = s.count <= 254 && s.wholeMatch(of: /[A-Za-z0-9.!#$%&'*+\/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+/) != nil
                && !s.hasPrefix(".") && !s.contains("..")
            XCTAssertEqual(Email.isValid(s), expected, s)
            if expected { valid += 1 }
        }
        XCTAssertGreaterThan(valid, 100, "the generator must produce valid addresses too")
    }

    func testPhoneAgreesWithTheRegularExpressions() {
        var g = Generator(state: 2)
        let starts = ["0", "+33", "0033", "+41", "+0", "", "00"]
        let groups = ["6", "12", "34", "56", "78", "0", " ", ".", "-", "123", "a"]
        var valid = 0
        for _ in 0..<4_000 {
            let s = g.pieces(starts, count: 1) + g.pieces(groups, count: 9)
            let compact = s.filter { !" .-()\u{00A0}".contains($0) }
            let expected = compact.wholeMatch(of: /0[1-9][0-9]{8}/) != nil || compact.wholeMatch(of: /(\+33|0033)[1-9][0-9]{8}/) != nil
                || compact.wholeMatch(of: /\+[1-9][0-9]{7,14}/) != nil
            XCTAssertEqual(Phone.normalise(s) != nil, expected, s)
            if expected { valid += 1 }
        }
        XCTAssertGreaterThan(valid, 30)
    }

    func testDatesAgreeWithTheRegularExpressions() {
        var g = Generator(state: 3)
        let components = ["2026", "2024", "1899", "1", "02", "12", "13", "31", "29", "0", "x", "123"]
        var valid = 0
        for _ in 0..<4_000 {
            // Three components around two separators, each sometimes the wrong one.
            let s0 = Int(g.next() % 2)
            let separators = s0 == 0 ? ["-", "-", "-", "/"] : ["/", "/", "/", "-", ".", ""]
            let s = (0..<3).map { _ in g.pieces(components, count: 1) }
                .enumerated().map { i, c in i == 0 ? c : g.pieces(separators, count: 1) + c }.joined()
            var parts: (Int, Int, Int)?
            if let m = s.wholeMatch(of: /([0-9]{4})-([0-9]{2})-([0-9]{2})/) { parts = (Int(m.1)!, Int(m.2)!, Int(m.3)!) }
            else if let m = s.wholeMatch(of: /([0-9]{1,2})\/([0-9]{1,2})\/([0-9]{4})/) { parts = (Int(m.3)!, Int(m.2)!, Int(m.1)!) }
            let expected = parts.map { y, m, d in (1900...2200).contains(y) && (1...12).contains(m) && d >= 1 && d <= Self.daysIn(month: m, year: y) } ?? false
            XCTAssertEqual(CivilDate.parse(s) != nil, expected, s)
            if expected { valid += 1 }
        }
        XCTAssertGreaterThan(valid, 15)
    }

    /// Foundation's calendar, independent of the code under test.
    static func daysIn(month: Int, year: Int) -> Int {
        let calendar = Calendar(identifier: .gregorian)
        return calendar.range(of: .day, in: .month, for: calendar.date(from: DateComponents(year: year, month: month, day: 1))!)!.count
    }

    func testNumbersPostcodesAndRequestNumbersAgreeWithTheRegularExpressions() {
        var g = Generator(state: 4)
        let digits: [Character] = ["0", "1", "5", "9", "9", "-", "+", ".", "a"]
        let prefixes = ["CAL", "BRO", "cal", "CA", "CALU", "C4L"], years = ["2026", "202", "20266"], sequences = ["000123", "00012", "123456789", "1234567890", "00a123"]
        var valid = (decimal: 0, postcode: 0, number: 0)
        for _ in 0..<4_000 {
            let s = g.string(from: digits, maxLength: 24)
            let decimal = s.wholeMatch(of: /[-+]?[0-9]{1,15}(\.[0-9]{1,6})?/) != nil
            XCTAssertEqual(FormValidator.isDecimalShape(s), decimal, s)
            let postcode = s.wholeMatch(of: /[0-9]{5}/) != nil
            XCTAssertEqual(ASCIIShape.digits(s.utf8, count: 5...5), postcode, s)
            let n = [prefixes, years, sequences].map { g.pieces($0, count: 1) }.joined(separator: g.pieces(["-", "-", "_"], count: 1))
            let number = n.wholeMatch(of: /[A-Z]{3}-[0-9]{4}-[0-9]{6,9}/) != nil
            XCTAssertEqual(RequestNumber.isWellFormed(n), number, n)
            valid.decimal += decimal ? 1 : 0; valid.postcode += postcode ? 1 : 0; valid.number += number ? 1 : 0
        }
        XCTAssertGreaterThan(valid.decimal, 100)
        XCTAssertGreaterThan(valid.postcode, 2)
        XCTAssertGreaterThan(valid.number, 20)
    }
}
