import Demarches
import Foundation
import Vapor

/// A stored file sent as an attachment (never rendered inline, so an uploaded file cannot run in our origin).
public enum Download {
    public static func response(_ file: StoredFile, _ data: Data) -> Response {
        var headers = HTTPHeaders()
        headers.replaceOrAdd(name: .contentType, value: file.contentType)
        let ascii = file.filename.unicodeScalars.filter { $0.isASCII && $0 != "\"" && $0 != "\\" && $0.value >= 32 }
        let encoded = file.filename.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "fichier"
        headers.replaceOrAdd(name: .contentDisposition,
                             value: "attachment; filename=\"\(String(String.UnicodeScalarView(ascii)))\"; filename*=UTF-8''\(encoded)")
        headers.replaceOrAdd(name: .cacheControl, value: "private, no-store")
        return Response(status: .ok, headers: headers, body: .init(data: data))
    }
}
