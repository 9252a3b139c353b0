import Foundation

/// A validated value, stored as plain JSON so that data reads naturally in exports and the API:
/// text → "…", number → 12.5, choices → ["a","b"], checkbox → true, address → {street, postcode, city},
/// files → [{id, filename, contentType, size}], date or time range → {start, end}, map point → {lat, lon},
/// table → [[cell, …], …] by row, repeatable block → [{question: value}, …] by item.
public indirect enum FieldValue: Sendable, Equatable, Codable {
    case text(String)
    case number(Decimal)
    case choices([String])
    case flag(Bool)
    case address(Address)
    case files([StoredFile])
    case range(ValueRange)
    case point(GeoPoint)
    case table([[String]])
    case items([[String: FieldValue]])

    public init(from decoder: Decoder) throws {
        let c = try decoder.singleValueContainer()
        if let b = try? c.decode(Bool.self) { self = .flag(b) }
        else if let s = try? c.decode(String.self) { self = .text(s) }
        else if let n = try? c.decode(Decimal.self) { self = .number(n) }
        else if let a = try? c.decode(Address.self) { self = .address(a) }
        else if let r = try? c.decode(ValueRange.self) { self = .range(r) }
        else if let p = try? c.decode(GeoPoint.self) { self = .point(p) }
        else if let l = try? c.decode([String].self) { self = .choices(l) }
        else if let t = try? c.decode([[String]].self) { self = .table(t) }
        else if let f = try? c.decode([StoredFile].self) { self = .files(f) }
        else { self = .items(try c.decode([[String: FieldValue]].self)) }
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        switch self {
        case .text(let s): try c.encode(s)
        case .number(let n): try c.encode(n)
        case .choices(let l): try c.encode(l)
        case .flag(let b): try c.encode(b)
        case .address(let a): try c.encode(a)
        case .files(let f): try c.encode(f)
        case .range(let r): try c.encode(r)
        case .point(let p): try c.encode(p)
        case .table(let t): try c.encode(t)
        case .items(let i): try c.encode(i)
        }
    }
}

/// Two ends, both ISO dates ("2026-07-01") or both times ("08:30"), the start never after the end.
public struct ValueRange: Sendable, Equatable, Codable {
    public var start: String
    public var end: String
    public init(start: String, end: String) { self.start = start; self.end = end }
}

/// A place picked on a map, in WGS 84 degrees.
public struct GeoPoint: Sendable, Equatable, Codable {
    public var lat: Decimal
    public var lon: Decimal
    public init(lat: Decimal, lon: Decimal) { self.lat = lat; self.lon = lon }
}

public struct Address: Sendable, Equatable, Codable {
    public var street: String
    public var postcode: String
    public var city: String
    public init(street: String, postcode: String, city: String) { self.street = street; self.postcode = postcode; self.city = city }
    public var oneLine: String { "\(street), \(postcode) \(city)" }
}

/// A file kept with a request: its bytes are stored by id outside the web root.
extension FieldValue {
    /// Every file held by a request's answers, with the field holding it, in field-id order.
    public static func files(in answers: [String: FieldValue]) -> [(file: StoredFile, fieldID: String)] {
        answers.sorted { $0.key < $1.key }.flatMap { key, value -> [(file: StoredFile, fieldID: String)] in
            guard case .files(let fs) = value else { return [] }
            return fs.map { (file: $0, fieldID: key) }
        }
    }
}

public struct StoredFile: Sendable, Equatable, Codable {
    public var id: String
    public var filename: String
    public var contentType: String
    public var size: Int
    public init(id: String, filename: String, contentType: String, size: Int) {
        self.id = id; self.filename = filename; self.contentType = contentType; self.size = size
    }
}

/// Form data as it arrives, before validation: every value as text, files with their bytes.
public struct RawSubmission: Sendable {
    public var values: [String: [String]]
    public var files: [String: [UploadedFile]]
    /// Files already accepted and stored on an earlier page of this same filing, by field id; a field with
    /// no new upload keeps them. Only the server sets these (from the citizen's session), never a client.
    public var keptFiles: [String: [StoredFile]]
    public init(values: [String: [String]] = [:], files: [String: [UploadedFile]] = [:], keptFiles: [String: [StoredFile]] = [:]) {
        self.values = values; self.files = files; self.keptFiles = keptFiles
    }
    public func first(_ key: String) -> String { values[key]?.first ?? "" }
}

public struct UploadedFile: Sendable {
    public var filename: String
    public var bytes: [UInt8]
    public init(filename: String, bytes: [UInt8]) { self.filename = filename; self.bytes = bytes }
}
