import Expressions
import Foundation
import PropertyBased
import Testing

/// Printing an expression then parsing the text gives the same tree: the designer can rewrite expressions
/// (rename a field) and store their canonical text without changing what they mean.
@Suite struct RoundTripTests {
    /// Builds a tree the parser can produce from a list of numbers, so the library can generate and shrink it.
    struct Builder {
        var choices: [Int]
        var index = 0
        mutating func next(_ bound: Int) -> Int {
            defer { index += 1 }
            return choices.isEmpty ? 0 : abs(choices[index % choices.count] % bound)
        }
        mutating func expr(depth: Int) -> Expr {
            let leaf = depth <= 0 || index >= choices.count
            switch leaf ? next(4) : next(9) {
            case 0: return .field(["montant", "commune", "accepte", "date_naissance", "école"][next(5)])
            case 1: return .literal(.number(Decimal(next(1000)) / [1, 10, 100][next(3)]))
            case 2: return .literal(.text(["", "Bron", "l'\"école\"", "a\\b", "Saint-Priest"][next(5)]))
            case 3: return .literal(.bool(next(2) == 0))
            case 4: return .unary(next(2) == 0 ? .not : .negate, expr(depth: depth - 1))
            case 5: return .list((0..<next(3)).map { _ in expr(depth: depth - 1) })
            case 6: return .call(["vide", "age", "si", "arrondi"][next(4)], (0..<next(4)).map { _ in expr(depth: depth - 1) })
            default: return .binary(BinaryOperator.allCases[next(BinaryOperator.allCases.count)], expr(depth: depth - 1), expr(depth: depth - 1))
            }
        }
    }

    @Test func printedExpressionsParseBackToTheSameTree() async {
        await propertyCheck(count: 2_000, input: Gen.int(in: 0...1_000_000).array(of: 1...60)) { choices in
            var builder = Builder(choices: choices)
            let tree = builder.expr(depth: 5)
            let text = tree.source
            #expect((try? Parser.parse(text)) == tree, "\(text)")
        }
    }
}
