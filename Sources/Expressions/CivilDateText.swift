import Foundation

/// Calendar days as people type and read them. Forms, the inbox's filters and the convention cadre's pages
/// all go through here, so a day means the same everywhere.
extension CivilDate {
    /// ISO (2026-03-21, what `<input type=date>` posts) or French (21/03/2026, 1/3/2026), years 1900 to 2200;
    /// returns ISO, or nil for anything else or an impossible day. Reads bytes: it is on the submission path.
    public static func parse(_ s: String) -> String? {
        let y: Int, m: Int, d: Int
        let dashed = s.utf8.split(separator: UInt8(ascii: "-"), omittingEmptySubsequences: false)
        let slashed = s.utf8.split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: false)
        if dashed.count == 3, dashed[0].count == 4, dashed[1].count == 2, dashed[2].count == 2,
           let year = number(dashed[0]), let month = number(dashed[1]), let day = number(dashed[2]) {
            (y, m, d) = (year, month, day)
        } else if slashed.count == 3, (1...2).contains(slashed[0].count), (1...2).contains(slashed[1].count), slashed[2].count == 4,
                  let day = number(slashed[0]), let month = number(slashed[1]), let year = number(slashed[2]) {
            (y, m, d) = (year, month, day)
        } else { return nil }
        guard (1900...2200).contains(y), (1...12).contains(m), d >= 1, d <= days(inMonth: m, year: y) else { return nil }
        return String(format: "%04d-%02d-%02d", y, m, d)
    }

    /// "2026-03-21" → "21/03/2026" (anything else as it is).
    public static func french(_ iso: String) -> String {
        let p = iso.split(separator: "-")
        return p.count == 3 ? "\(p[2])/\(p[1])/\(p[0])" : iso
    }

    private static func number(_ bytes: some Collection<UInt8>) -> Int? {
        guard !bytes.isEmpty, bytes.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { return nil }
        return bytes.reduce(0) { $0 * 10 + Int($1 - 0x30) }
    }
}
