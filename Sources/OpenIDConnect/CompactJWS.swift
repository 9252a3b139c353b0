import Codecs
import Crypto
import CryptoExtras

/// JWS compact serialisation (RFC 7515 §7.1) of the tokens Guichet signs, written directly: the token endpoint
/// signs two per request, and JWTKit's generic path (JSONEncoder, then base64 rewritten as base64url) cost as much
/// as the signature itself. Verification stays with JWTKit. Members are written in sorted order.
enum CompactJWS {
    /// `header.payload.signature`, `sign` given the signing input's bytes.
    static func serialise(header: [String: ClaimValue], payload: [String: ClaimValue], sign: ([UInt8]) throws -> [UInt8]) rethrows -> String {
        var input = Array(Base64URL.encode(json(header)).utf8)
        input.append(UInt8(ascii: "."))
        input += Base64URL.encode(json(payload)).utf8
        let signature = try sign(input)
        return String(decoding: input, as: UTF8.self) + "." + Base64URL.encode(signature)
    }

    static func json(_ object: [String: ClaimValue]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(256)
        write(.object(object), to: &out)
        return out
    }

    private static func write(_ value: ClaimValue, to out: inout [UInt8]) {
        switch value {
        case .string(let text): write(text, to: &out)
        case .int(let number): out += String(number).utf8
        case .bool(let flag): out += (flag ? "true" : "false").utf8
        case .strings(let texts):
            out.append(UInt8(ascii: "["))
            for (i, text) in texts.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                write(text, to: &out)
            }
            out.append(UInt8(ascii: "]"))
        case .object(let members):
            out.append(UInt8(ascii: "{"))
            for (i, name) in members.keys.sorted().enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                write(name, to: &out)
                out.append(UInt8(ascii: ":"))
                if let member = members[name] { write(member, to: &out) }
            }
            out.append(UInt8(ascii: "}"))
        }
    }

    /// A JSON string (RFC 8259 §7): quotes, backslashes and control characters escaped, the rest as UTF-8.
    private static func write(_ text: String, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""): out += #"\""#.utf8
            case UInt8(ascii: "\\"): out += #"\\"#.utf8
            case 0x0A: out += #"\n"#.utf8
            case 0x0D: out += #"\r"#.utf8
            case 0x09: out += #"\t"#.utf8
            case 0..<0x20:
                let digits = Array("0123456789abcdef".utf8)
                out += #"\u00"#.utf8
                out.append(digits[Int(byte >> 4)]); out.append(digits[Int(byte & 15)])
            default: out.append(byte)
            }
        }
        out.append(UInt8(ascii: "\""))
    }
}

/// A private key ready to sign JWS inputs.
enum JWSSigner: Sendable {
    case es256(P256.Signing.PrivateKey)
    case rs256(_RSA.Signing.PrivateKey)

    init(pem: String, algorithm: SigningAlgorithm) throws {
        switch algorithm {
        case .es256: self = .es256(try P256.Signing.PrivateKey(pemRepresentation: pem))
        case .rs256: self = .rs256(try _RSA.Signing.PrivateKey(pemRepresentation: pem))
        }
    }

    /// ES256 is the raw `r‖s` pair (RFC 7518 §3.4), not DER; RS256 is RSASSA-PKCS1-v1_5 with SHA-256.
    func sign(_ input: [UInt8]) throws -> [UInt8] {
        let digest = SHA256.hash(data: input)
        switch self {
        case .es256(let key): return Array(try key.signature(for: digest).rawRepresentation)
        case .rs256(let key): return Array(try key.signature(for: digest, padding: .insecurePKCS1v1_5).rawRepresentation)
        }
    }
}
