/// A small reader for the shipped CSV files: comma-separated, double quotes around fields that need them.
struct CSVTable {
    var header: [String]
    var rows: [[String: String]]

    init(text: String) throws {
        var records = CSVTable.parse(text)
        guard !records.isEmpty else { throw TerritoryData.LoadError.malformed("empty CSV") }
        header = records.removeFirst()
        let header = self.header
        rows = records.filter { $0 != [""] }.map { Dictionary(uniqueKeysWithValues: zip(header, $0 + Array(repeating: "", count: max(0, header.count - $0.count)))) }
    }

    func index(by key: String, value: String) -> [String: String] {
        Dictionary(rows.compactMap { row in row[key].map { ($0, row[value] ?? "") } }, uniquingKeysWith: { a, _ in a })
    }

    static func parse(_ text: String) -> [[String]] {
        var records: [[String]] = []
        var record: [String] = []
        var field = ""
        var quoted = false
        var iterator = Array(text.unicodeScalars).makeIterator()
        var pending: Unicode.Scalar? = nil
        while let c = pending ?? iterator.next() {
            pending = nil
            if quoted {
                if c == "\"" {
                    if let next = iterator.next() {
                        if next == "\"" { field.unicodeScalars.append("\"") } else { quoted = false; pending = next }
                    } else { quoted = false }
                } else { field.unicodeScalars.append(c) }
                continue
            }
            switch c {
            case "\"": quoted = true
            case ",": record.append(field); field = ""
            case "\r": break
            case "\n": record.append(field); records.append(record); record = []; field = ""
            default: field.unicodeScalars.append(c)
            }
        }
        if !field.isEmpty || !record.isEmpty { record.append(field); records.append(record) }
        return records
    }
}

/// CSV records (the first is the header), for imports elsewhere: the same reader as the shipped files.
public enum CSV {
    public static func records(_ text: String) -> [[String]] { CSVTable.parse(text) }
}
