import Demarches
import Foundation
import Vapor
import WebSupport

/// Turns a JSON body `{"data": {field: value}}` into the same raw form the HTML side produces, so both channels
/// share one validator: strings and numbers as text, booleans as a ticked box, arrays as several choices (in
/// order, for a ranking), objects by part (`{street, postcode, city}` an address, `{start, end}` a range,
/// `{lat, lon}` a map point), arrays of arrays as a table's rows, `[{filename, content_base64}]` as files, other
/// arrays of objects as a repeatable block's items (`[{"prenom": "Léa", "age": 7}]`).
enum JSONSubmission {
    static func raw(from req: Request) throws -> RawSubmission {
        guard req.headers.contentType == .json else {
            throw Problem(.unsupportedMediaType, title: "Type de contenu non pris en charge", detail: "Envoyez du JSON (application/json).")
        }
        struct Body: Decodable { var data: [String: JSONValue] }
        guard let buffer = req.body.data, let body = try? JSONDecoder().decode(Body.self, from: Data(buffer.readableBytesView)) else {
            throw Problem(.badRequest, title: "Corps de requête illisible", detail: "Le corps doit être un objet JSON de la forme {\"data\": {…}}.")
        }
        var raw = RawSubmission()
        var errors: [String: String] = [:]
        for (key, value) in body.data {
            switch value {
            case .string(let s): raw.values[key] = [s]
            case .bool(let b): raw.values[key] = b ? ["on"] : []
            case .number(let n): raw.values[key] = [n]
            case .strings(let list): raw.values[key] = list
            case .object(let parts):
                for (part, text) in parts { raw.values["\(key).\(part)"] = [text] }
            case .items(let items):
                for (n, item) in items.enumerated() { for (question, part) in item { raw.values["\(key).\(n).\(question)"] = [part.text] } }
            case .rows(let rows):
                for (r, row) in rows.enumerated() { for (c, cell) in row.enumerated() { raw.values["\(key).\(r).\(c)"] = [cell] } }
            case .files(let files):
                raw.files[key] = files.map { UploadedFile(filename: $0.filename, bytes: Array(Data(base64Encoded: $0.contentBase64) ?? Data())) }
                if files.contains(where: { Data(base64Encoded: $0.contentBase64) == nil }) { errors[key] = "Le contenu d'un fichier n'est pas du base64 valide." }
            case .null: break
            case .unsupported: errors[key] = "Type de valeur non pris en charge."
            }
        }
        if !errors.isEmpty {
            throw Problem(.unprocessableEntity, title: "Demande invalide", detail: "Certains champs sont à corriger.", errors: errors,
                          type: "https://guichet.example/problemes/demande-invalide")
        }
        return raw
    }
}

/// The JSON values a submission may carry.
enum JSONValue: Decodable {
    struct File: Decodable { var filename: String; var contentBase64: String
        enum CodingKeys: String, CodingKey { case filename, contentBase64 = "content_base64" } }
    /// A part of an object: text, a number (a map point's coordinates) or a box ticked or not (a block item's),
    /// kept as text for the validator.
    struct Part: Decodable {
        var text: String
        init(from decoder: Decoder) throws {
            let c = try decoder.singleValueContainer()
            if let b = try? c.decode(Bool.self) { text = b ? "on" : "" }
            else if let s = try? c.decode(String.self) { text = s } else { text = "\(try c.decode(Decimal.self))" }
        }
    }
    case string(String), bool(Bool), number(String), strings([String]), rows([[String]]), object([String: String]), items([[String: Part]])
    case files([File]), null, unsupported

    init(from decoder: Decoder) throws {
        let c = try decoder.singleValueContainer()
        if c.decodeNil() { self = .null }
        else if let b = try? c.decode(Bool.self) { self = .bool(b) }
        else if let s = try? c.decode(String.self) { self = .string(s) }
        else if let n = try? c.decode(Decimal.self) { self = .number("\(n)") }
        else if let l = try? c.decode([String].self) { self = .strings(l) }
        else if let r = try? c.decode([[String]].self) { self = .rows(r) }
        else if let f = try? c.decode([File].self) { self = .files(f) }
        else if let i = try? c.decode([[String: Part]].self) { self = .items(i) }
        else if let o = try? c.decode([String: Part].self) { self = .object(o.mapValues(\.text)) }
        else { self = .unsupported }
    }
}
