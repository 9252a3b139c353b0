extension QRCode {
    /// The code as an inline SVG image: one path of unit squares, four modules of quiet zone around (§7.3.7),
    /// `title` as its accessible name. Made of numbers and the escaped title only, so it is safe to insert as is.
    public func svg(title: String, pixelsPerModule: Int = 5) -> String {
        let side = size + 8
        var path = ""
        path.reserveCapacity(size * size * 4)
        for y in 0..<size {
            for x in 0..<size where isDark(x: x, y: y) { path += "M\(x + 4) \(y + 4)h1v1h-1z" }
        }
        return """
            <svg xmlns="http://www.w3.org/2000/svg" class="qr-code" role="img" aria-label="\(Self.escape(title))" \
            width="\(side * pixelsPerModule)" height="\(side * pixelsPerModule)" viewBox="0 0 \(side) \(side)" shape-rendering="crispEdges">\
            <rect width="\(side)" height="\(side)" fill="#fff"/><path fill="#000" d="\(path)"/></svg>
            """
    }

    static func escape(_ text: String) -> String {
        var out = ""
        for c in text {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(c)
            }
        }
        return out
    }
}
