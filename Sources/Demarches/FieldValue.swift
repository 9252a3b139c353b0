import Foundation

/// A validated value, stored as plain JSON so that data reads naturally in exports and the API:
/// text → "…", number → 12.5, choices → ["a","b"], checkbox → true, address → {street, postcode, city},
/// files → [{id, filename, contentType, size}].
public enum FieldValue: Sendable, Equatable, Codable {
    case text(String)
    case number(Decimal)
    case choices([String])
    case flag(Bool)
    case address(Address)
    case files([StoredFile])

    public init(from decoder: Decoder) throws {
        let c = try decoder.singleValueContainer()
        if let b = try? c.decode(Bool.self) { self = .flag(b) }
        else if let s = try? c.decode(String.self) { self = .text(s) }
        else if let n = try? c.decode(Decimal.self) { self = .number(n) }
        else if let a = try? c.decode(Address.self) { self = .address(a) }
        else if let l = try? c.decode([String].self) { self = .choices(l) }
        else { self = .files(try c.decode([StoredFile].self)) }
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
        }
    }
}

public struct Address: Sendable, Equatable, Codable {
    public var street: String
    public var postcode: String
    public var city: String
    public init(street: String, postcode: String, city: String) { self.street = street; self.postcode = postcode; self.city = city }
    public var oneLine: String { "\(street), \(postcode) \(city)" }
}

/// A file kept with a request: its bytes are stored by id outside the web root.
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
    public init(values: [String: [String]] = [:], files: [String: [UploadedFile]] = [:]) {
        self.values = values; self.files = files
    }
    public func first(_ key: String) -> String { values[key]?.first ?? "" }
}

public struct UploadedFile: Sendable {
    public var filename: String
    public var bytes: [UInt8]
    public init(filename: String, bytes: [UInt8]) { self.filename = filename; self.bytes = bytes }
}
