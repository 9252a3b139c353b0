/// A QR code (ISO/IEC 18004), made on the server so that a page shows it without JavaScript: what an
/// authenticator app scans to take the second factor's key. Byte mode, error correction level M (15 % of the
/// code may be lost), versions 1 to 10 (up to 213 bytes, more than an `otpauth://` address needs).
public struct QRCode: Sendable, Equatable {
    /// Modules per side (21 for version 1, four more per version).
    public let size: Int
    public let version: Int
    /// Row by row, `true` for a dark module.
    let modules: [[Bool]]

    public func isDark(x: Int, y: Int) -> Bool { modules[y][x] }

    /// The code of `text`; nil when it is too long for version 10.
    public init?(_ text: String) {
        let bytes = Array(text.utf8)
        guard let version = (1...10).first(where: { Self.dataCodewords(version: $0) * 8 >= Self.bitLength(bytes.count, version: $0) }) else { return nil }
        var grid = Grid(version: version)
        grid.place(Self.interleaved(Self.dataCodewords(of: bytes, version: version), version: version))
        // Each mask is tried and the one whose penalty is lowest kept, as §7.8.3 describes: fewer look-alikes of
        // the finder patterns, fewer long runs, so scanners read it at the first try.
        let best = (0..<8).min { grid.masked($0).penalty < grid.masked($1).penalty } ?? 0
        self.version = version
        size = grid.size
        modules = grid.masked(best).modules
    }

    // MARK: Data

    /// Error-correction codewords per block, and blocks, at level M for versions 1–10 (ISO/IEC 18004 table 9).
    static let eccPerBlock = [0, 10, 16, 26, 18, 24, 16, 18, 22, 22, 26]
    static let blocks = [0, 1, 1, 1, 2, 2, 4, 4, 4, 5, 5]

    /// Modules left for data and error correction, once the function patterns are drawn.
    static func rawModules(version: Int) -> Int {
        var result = (16 * version + 128) * version + 64
        if version >= 2 {
            let alignments = version / 7 + 2
            result -= (25 * alignments - 10) * alignments - 55
            if version >= 7 { result -= 36 }
        }
        return result
    }

    static func dataCodewords(version: Int) -> Int { rawModules(version: version) / 8 - eccPerBlock[version] * blocks[version] }

    /// Mode indicator, character count (8 bits up to version 9, 16 from 10), the bytes.
    static func bitLength(_ count: Int, version: Int) -> Int { 4 + (version < 10 ? 8 : 16) + 8 * count }

    static func dataCodewords(of bytes: [UInt8], version: Int) -> [UInt8] {
        var bits = BitBuffer()
        bits.append(0b0100, count: 4)
        bits.append(bytes.count, count: version < 10 ? 8 : 16)
        for byte in bytes { bits.append(Int(byte), count: 8) }
        let capacity = dataCodewords(version: version) * 8
        bits.append(0, count: min(4, capacity - bits.count))
        bits.append(0, count: (8 - bits.count % 8) % 8)
        var codewords = bits.bytes
        var pad: UInt8 = 0xEC
        while codewords.count < capacity / 8 {
            codewords.append(pad)
            pad = pad == 0xEC ? 0x11 : 0xEC
        }
        return codewords
    }

    /// The data split in blocks, each followed by its error correction, then read column by column (§7.6).
    static func interleaved(_ data: [UInt8], version: Int) -> [UInt8] {
        let count = blocks[version], ecc = eccPerBlock[version], raw = rawModules(version: version) / 8
        let shortBlocks = count - raw % count, shortLength = raw / count
        let divisor = ReedSolomon.divisor(degree: ecc)
        var dataBlocks: [[UInt8]] = [], eccBlocks: [[UInt8]] = [], k = 0
        for i in 0..<count {
            let length = shortLength - ecc + (i < shortBlocks ? 0 : 1)
            let block = Array(data[k..<(k + length)])
            k += length
            dataBlocks.append(block)
            eccBlocks.append(ReedSolomon.remainder(block, divisor: divisor))
        }
        var result: [UInt8] = []
        for i in 0..<(shortLength - ecc + 1) {
            for block in dataBlocks where i < block.count { result.append(block[i]) }
        }
        for i in 0..<ecc {
            for block in eccBlocks { result.append(block[i]) }
        }
        return result
    }
}

struct BitBuffer {
    private(set) var bits: [Bool] = []
    var count: Int { bits.count }

    mutating func append(_ value: Int, count: Int) {
        for i in stride(from: count - 1, through: 0, by: -1) { bits.append((value >> i) & 1 == 1) }
    }

    var bytes: [UInt8] {
        stride(from: 0, to: bits.count, by: 8).map { start in
            bits[start..<min(start + 8, bits.count)].reduce(UInt8(0)) { $0 << 1 | ($1 ? 1 : 0) }
        }
    }
}
