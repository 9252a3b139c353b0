/// A stored request's answers turned back into what the form posts, so the citizen can correct them in the same
/// form (the inverse of `FormValidator`'s parsing: validating the result gives the answers back).
extension FormDefinition {
    public func rawAnswers(of data: [String: FieldValue]) -> RawSubmission {
        var raw = RawSubmission()
        for field in fields {
            guard let value = data[field.id] else { continue }
            let id = field.id
            switch value {
            case .text(let t): raw.values[id] = [t]
            case .number(let n): raw.values[id] = ["\(n)"]
            case .flag(let b): if b { raw.values[id] = ["on"] }
            case .choices(let l):
                if field.type == .rankedChoice {
                    for (rank, option) in l.enumerated() { raw.values["\(id).\(option)"] = ["\(rank + 1)"] }
                } else {
                    raw.values[id] = l
                }
            case .address(let a):
                raw.values["\(id).street"] = [a.street]; raw.values["\(id).postcode"] = [a.postcode]; raw.values["\(id).city"] = [a.city]
            case .range(let r): raw.values["\(id).start"] = [r.start]; raw.values["\(id).end"] = [r.end]
            case .point(let p): raw.values["\(id).lat"] = ["\(p.lat)"]; raw.values["\(id).lon"] = ["\(p.lon)"]
            case .table(let rows):
                for (r, row) in rows.enumerated() { for (c, cell) in row.enumerated() where !cell.isEmpty { raw.values["\(id).\(r).\(c)"] = [cell] } }
            case .files(let fs): raw.keptFiles[id] = fs
            case .items(let items):
                raw.values["\(id).\(Field.blockCountKey)"] = ["\(items.count)"]
                for (n, item) in items.enumerated() {
                    for (question, answer) in item {
                        guard let text = answer.plainText else { continue }
                        if case .flag(false) = answer { continue }
                        raw.values["\(id).\(n).\(question)"] = [answer == .flag(true) ? "on" : text]
                    }
                }
            }
        }
        return raw
    }
}
