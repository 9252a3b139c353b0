@testable import Demarches
import PropertyBased
import Testing

@Suite struct FrenchIdentifierTests {
    @Test func realIdentifiersAreAcceptedAndNormalised() {
        #expect(FrenchIdentifier.siren("200 046 977") == "200046977")  // Métropole de Lyon
        #expect(FrenchIdentifier.siret("200 046 977 00019") == "20004697700019")
        #expect(FrenchIdentifier.siret("35600000000048") == "35600000000048", "La Poste's head office follows Luhn")
        #expect(FrenchIdentifier.siret("35600000000001") == "35600000000001", "other La Poste establishments: digit sum")
        #expect(FrenchIdentifier.nir("1 85 05 78 006 084 91") == "185057800608491")
        #expect(FrenchIdentifier.nir("2 69 05 2A 004 012 28") == "269052A00401228", "Corsica counts 2A as 19")
        #expect(FrenchIdentifier.iban("fr76 3000 6000 0112 3456 7890 189") == "FR76 3000 6000 0112 3456 7890 189")
        #expect(FrenchIdentifier.iban("DE89370400440532013000") == "DE89 3704 0044 0532 0130 00")
        #expect(FrenchIdentifier.rna("w691234567") == "W691234567")
        #expect(FrenchIdentifier.antsPreApplication("ab12-cd34ef") == "AB12CD34EF")
        #expect(FrenchIdentifier.postcode("69300") == "69300")
        #expect(FrenchIdentifier.postcode("20000") == "20000")
    }

    @Test func wrongIdentifiersAreRefused() {
        #expect(FrenchIdentifier.siren("200046978") == nil)
        #expect(FrenchIdentifier.siren("20004697") == nil)
        #expect(FrenchIdentifier.siren("2000469 7a") == nil)
        #expect(FrenchIdentifier.siret("20004697700018") == nil)
        #expect(FrenchIdentifier.siret("35600000000002") == nil)
        #expect(FrenchIdentifier.nir("185057800608492") == nil)
        #expect(FrenchIdentifier.nir("385057800608491") == nil, "the first digit is the sex: 1 or 2")
        #expect(FrenchIdentifier.nir("269052A00401227") == nil)
        #expect(FrenchIdentifier.iban("FR7630006000011234567890188") == nil)
        #expect(FrenchIdentifier.iban("FR763000600001123456789018") == nil, "a French IBAN has 27 characters")
        #expect(FrenchIdentifier.rna("W69123456") == nil)
        #expect(FrenchIdentifier.rna("X691234567") == nil)
        #expect(FrenchIdentifier.antsPreApplication("AB12CD34E") == nil)
        #expect(FrenchIdentifier.postcode("00999") == nil)
        #expect(FrenchIdentifier.postcode("99000") == nil)
        #expect(FrenchIdentifier.postcode("6930") == nil)
    }

    /// The Luhn digit completes any 8 digits into a SIREN; then every single-digit typo is caught.
    @Test func luhnCatchesEverySingleDigitTypo() async {
        await propertyCheck(count: 300, input: Gen.int(in: 0...99_999_999), Gen.int(in: 0...8), Gen.int(in: 1...9)) { body, position, delta in
            let eight = Array(String(body).utf8)
            let padded = [UInt8](repeating: 48, count: 8 - eight.count) + eight
            let key = (0...9).first { FrenchIdentifier.luhn(padded + [UInt8(48 + $0)]) }!
            var siren = padded + [UInt8(48 + key)]
            #expect(FrenchIdentifier.siren(String(decoding: siren, as: UTF8.self)) != nil)
            siren[position] = UInt8(48 + (Int(siren[position] - 48) + delta) % 10)
            #expect(FrenchIdentifier.siren(String(decoding: siren, as: UTF8.self)) == nil)
        }
    }

    /// IBAN check digits computed as banks do (98 − mod 97) always validate, and a changed digit never does.
    @Test func ibanKeysCatchEverySingleDigitTypo() async {
        await propertyCheck(count: 300, input: Gen.int(in: 0...9).array(of: 23...23), Gen.int(in: 4...26), Gen.int(in: 1...9)) { bban, position, delta in
            let digits = bban.map(String.init).joined()
            let rearranged = digits + "1527" + "00"  // F = 15, R = 27
            let remainder = rearranged.reduce(0) { ($0 * 10 + Int(String($1))!) % 97 }
            let check = 98 - remainder
            var iban = Array("FR" + (check < 10 ? "0" : "") + String(check) + digits)
            #expect(FrenchIdentifier.iban(String(iban)) != nil)
            let old = Int(String(iban[position]))!
            iban[position] = Character(String((old + delta) % 10))
            #expect(FrenchIdentifier.iban(String(iban)) == nil)
        }
    }

    /// NIR keys: 97 − (number mod 97) validates, any other key does not.
    @Test func nirKeysMatchTheirNumberOnly() async {
        await propertyCheck(count: 300, input: Gen.int(in: 1...2), Gen.int(in: 0...99_999_999_999), Gen.int(in: 1...96)) { sex, rest, shift in
            let restText = String(rest)
            let body = String(sex) + String(repeating: "0", count: 12 - restText.count) + restText
            let key = 97 - Int(body)! % 97
            func pad(_ k: Int) -> String { k < 10 ? "0\(k)" : "\(k)" }
            #expect(FrenchIdentifier.nir(body + pad(key)) != nil)
            #expect(FrenchIdentifier.nir(body + pad((key - 1 + shift) % 97 + 1)) == nil)
        }
    }
}
