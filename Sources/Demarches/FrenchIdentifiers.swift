/// French administrative identifiers, checked for real (their check digits), not just their shape. Each
/// `normalise` drops the spaces and dots people type and returns the compact form, or nil when it is not valid.
public enum FrenchIdentifier {
    /// SIREN (9 digits) of a company or association: Luhn key.
    public static func siren(_ s: String) -> String? {
        let d = compactDigits(s)
        return d.count == 9 && luhn(d) ? String(decoding: d, as: UTF8.self) : nil
    }

    /// SIRET (14 digits, the SIREN then the establishment): Luhn key, except La Poste's establishments (SIREN
    /// 356 000 000) whose digits sum to a multiple of 5, as INSEE documents.
    public static func siret(_ s: String) -> String? {
        let d = compactDigits(s)
        guard d.count == 14 else { return nil }
        let text = String(decoding: d, as: UTF8.self)
        if text.hasPrefix("356000000") && text != "35600000000048" {
            return d.reduce(0) { $0 + Int($1 - 48) } % 5 == 0 ? text : nil
        }
        return luhn(d) ? text : nil
    }

    /// NIR (numéro de sécurité sociale): 13 characters then a 2-digit key = 97 − (number mod 97); Corsica's
    /// departments 2A and 2B count as 19 and 18 for the key.
    public static func nir(_ s: String) -> String? {
        let c = Array(s.uppercased().utf8.filter { $0 != UInt8(ascii: " ") && $0 != UInt8(ascii: ".") })
        guard c.count == 15, c[0] == UInt8(ascii: "1") || c[0] == UInt8(ascii: "2") else { return nil }
        var body = Array(c[0..<13])
        if body[5] == UInt8(ascii: "2"), body[6] == UInt8(ascii: "A") || body[6] == UInt8(ascii: "B") {
            body[5] = UInt8(ascii: "1")
            body[6] = body[6] == UInt8(ascii: "A") ? UInt8(ascii: "9") : UInt8(ascii: "8")
        }
        guard let number = ASCIIShape.number(body), let key = ASCIIShape.number(c[13...]) else { return nil }
        return 97 - number % 97 == key ? String(decoding: c, as: UTF8.self) : nil
    }

    /// IBAN: country, check digits, then the account; mod 97 of the rearranged number must be 1. French IBANs
    /// (FR, and the overseas MC…) have 27 characters. Returned grouped by four, as banks print them.
    public static func iban(_ s: String) -> String? {
        let c = Array(s.uppercased().utf8.filter { $0 != UInt8(ascii: " ") && $0 != UInt8(ascii: "-") })
        guard (15...34).contains(c.count), c[0...1].allSatisfy(ASCIIShape.isUpper), c[2...3].allSatisfy(ASCIIShape.isDigit),
              c.allSatisfy(ASCIIShape.isAlnum) else { return nil }
        if let expected = ibanLengths[String(decoding: c[0...1], as: UTF8.self)], expected != c.count { return nil }
        var remainder = 0
        for byte in c[4...] + c[0...3] {
            if ASCIIShape.isDigit(byte) { remainder = (remainder * 10 + Int(byte - 48)) % 97 }
            else { remainder = (remainder * 100 + Int(byte - 55)) % 97 }  // A = 10 … Z = 35
        }
        guard remainder == 1 else { return nil }
        return stride(from: 0, to: c.count, by: 4).map { String(decoding: c[$0..<min($0 + 4, c.count)], as: UTF8.self) }.joined(separator: " ")
    }

    /// Lengths of the IBANs a French collectivité meets most; others are checked by their key only.
    static let ibanLengths = ["FR": 27, "MC": 27, "BE": 16, "DE": 22, "ES": 24, "IT": 27, "LU": 20, "CH": 21, "GB": 22, "PT": 25, "NL": 18]

    /// RNA number of an association: W followed by 9 digits (W691234567).
    public static func rna(_ s: String) -> String? {
        let c = Array(s.uppercased().utf8.filter { $0 != UInt8(ascii: " ") })
        return c.count == 10 && c[0] == UInt8(ascii: "W") && ASCIIShape.digits(c[1...], count: 9...9) ? String(decoding: c, as: UTF8.self) : nil
    }

    /// ANTS pre-application number (pré-demande de passeport ou de carte d'identité): 10 letters or digits.
    public static func antsPreApplication(_ s: String) -> String? {
        let c = Array(s.uppercased().utf8.filter { $0 != UInt8(ascii: " ") && $0 != UInt8(ascii: "-") })
        return c.count == 10 && c.allSatisfy(ASCIIShape.isAlnum) ? String(decoding: c, as: UTF8.self) : nil
    }

    /// French postcode: 5 digits, 01000 to 98999 (Corsica's are 20xxx).
    public static func postcode(_ s: String) -> String? {
        let d = Array(s.utf8.filter { $0 != UInt8(ascii: " ") })
        guard ASCIIShape.digits(d, count: 5...5), let n = ASCIIShape.number(d), (1000...98999).contains(n) else { return nil }
        return String(decoding: d, as: UTF8.self)
    }

    static func compactDigits(_ s: String) -> [UInt8] {
        let d = Array(s.utf8.filter { $0 != UInt8(ascii: " ") && $0 != UInt8(ascii: ".") })
        return d.allSatisfy(ASCIIShape.isDigit) ? d : []
    }

    /// Luhn: doubling every second digit from the right, the sum is a multiple of 10.
    static func luhn(_ digits: [UInt8]) -> Bool {
        var sum = 0
        for (i, byte) in digits.reversed().enumerated() {
            var v = Int(byte - 48)
            if i % 2 == 1 { v *= 2; if v > 9 { v -= 9 } }
            sum += v
        }
        return sum % 10 == 0
    }
}
