import Foundation

/// A plain-text PDF (A4, Helvetica) for the attestations and receipts a workflow generates: a title, then
/// paragraphs wrapped to the page, over as many pages as needed. Written by hand: the format needed for text
/// is small (a catalogue, pages, two standard fonts, content streams), and no PDF library is packaged here.
/// Text is encoded in WinAnsi, which covers French; other characters print as "?".
public struct PDFDocument: Sendable {
    public var title: String
    public var body: String
    public var footer: String

    public init(title: String, body: String, footer: String) { self.title = title; self.body = body; self.footer = footer }

    static let pageWidth = 595, pageHeight = 842, margin = 56
    static let bodySize = 11, leading = 15, titleSize = 16
    /// Characters per line for Helvetica 11 pt across the text width (average glyph ≈ 0.5 em).
    static let lineLength = 86

    public func render() -> Data {
        let lines = Self.wrap(body, width: Self.lineLength)
        let firstPageLines = (Self.pageHeight - 2 * Self.margin - 40) / Self.leading
        let otherPageLines = (Self.pageHeight - 2 * Self.margin - 20) / Self.leading
        var pages: [[String]] = [Array(lines.prefix(firstPageLines))]
        var rest = lines.dropFirst(firstPageLines)
        while !rest.isEmpty { pages.append(Array(rest.prefix(otherPageLines))); rest = rest.dropFirst(otherPageLines) }

        var objects: [Data] = []
        // 1 catalogue, 2 page tree, 3 and 4 fonts, then a page and its content per page.
        let pageIDs = pages.indices.map { 5 + 2 * $0 }
        objects.append(Data("<< /Type /Catalog /Pages 2 0 R >>".utf8))
        objects.append(Data("<< /Type /Pages /Kids [\(pageIDs.map { "\($0) 0 R" }.joined(separator: " "))] /Count \(pages.count) >>".utf8))
        objects.append(Data("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>".utf8))
        objects.append(Data("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>".utf8))
        for (index, pageLines) in pages.enumerated() {
            var stream = Data("BT\n".utf8)
            var y = Self.pageHeight - Self.margin
            if index == 0 {
                stream += Data("/F2 \(Self.titleSize) Tf \(Self.margin) \(y - Self.titleSize) Td ".utf8) + Self.literal(title) + Data(" Tj\n".utf8)
                y -= 40
                stream += Data("/F1 \(Self.bodySize) Tf \(Self.leading) TL 0 \(-40) Td\n".utf8)
            } else {
                stream += Data("/F1 \(Self.bodySize) Tf \(Self.leading) TL \(Self.margin) \(y - Self.bodySize) Td\n".utf8)
            }
            for line in pageLines { stream += Self.literal(line) + Data(" Tj T*\n".utf8) }
            stream += Data("ET\nBT /F1 8 Tf \(Self.margin) 30 Td ".utf8)
                + Self.literal("\(footer) — page \(index + 1)/\(pages.count)") + Data(" Tj ET\n".utf8)
            objects.append(Data("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 \(Self.pageWidth) \(Self.pageHeight)] /Resources << /Font << /F1 3 0 R /F2 4 0 R >> >> /Contents \(pageIDs[index] + 1) 0 R >>".utf8))
            objects.append(Data("<< /Length \(stream.count) >>\nstream\n".utf8) + stream + Data("endstream".utf8))
        }

        var out = Data("%PDF-1.4\n%\u{E2}\u{E3}\u{CF}\u{D3}\n".utf8)
        var offsets: [Int] = []
        for (i, object) in objects.enumerated() {
            offsets.append(out.count)
            out += Data("\(i + 1) 0 obj\n".utf8) + object + Data("\nendobj\n".utf8)
        }
        let xref = out.count
        out += Data("xref\n0 \(objects.count + 1)\n0000000000 65535 f \n".utf8)
        for offset in offsets { out += Data(String(format: "%010d 00000 n \n", offset).utf8) }
        out += Data("trailer\n<< /Size \(objects.count + 1) /Root 1 0 R >>\nstartxref\n\(xref)\n%%EOF\n".utf8)
        return out
    }

    /// Splits paragraphs into lines of at most `width` characters, at spaces where possible.
    static func wrap(_ text: String, width: Int) -> [String] {
        var lines: [String] = []
        for paragraph in text.replacingOccurrences(of: "\r\n", with: "\n").split(separator: "\n", omittingEmptySubsequences: false) {
            var line = ""
            for word in paragraph.split(separator: " ", omittingEmptySubsequences: false) {
                var word = Substring(word)
                while word.count > width { // a word longer than a line is cut
                    if !line.isEmpty { lines.append(line); line = "" }
                    lines.append(String(word.prefix(width))); word = word.dropFirst(width)
                }
                if line.isEmpty { line = String(word) }
                else if line.count + 1 + word.count <= width { line += " " + word }
                else { lines.append(line); line = String(word) }
            }
            lines.append(line)
        }
        return lines
    }

    /// A PDF string literal in WinAnsi: `(…)` with `\`, `(` and `)` escaped.
    static func literal(_ text: String) -> Data {
        var out = Data("(".utf8)
        for scalar in text.unicodeScalars {
            let byte: UInt8
            switch scalar.value {
            case 0x5C, 0x28, 0x29: out.append(0x5C); byte = UInt8(scalar.value)
            case 0x20...0x7E, 0xA0...0xFF: byte = UInt8(scalar.value)
            case 0x2019: byte = 0x92 // ’
            case 0x2018: byte = 0x91
            case 0x201C: byte = 0x93
            case 0x201D: byte = 0x94
            case 0x2013: byte = 0x96
            case 0x2014: byte = 0x97
            case 0x20AC: byte = 0x80 // €
            case 0x2026: byte = 0x85 // …
            case 0x0152: byte = 0x8C // Œ
            case 0x0153: byte = 0x9C // œ
            case 0x202F: byte = 0x20 // narrow no-break space
            default: byte = 0x3F
            }
            out.append(byte)
        }
        out.append(0x29)
        return out
    }
}
