import AsyncHTTPClient
import Foundation
import NIOCore
import Storage

/// Reads data sources' URLs for the store: a GET with a deadline, up to 8 MB, a 2xx answer only.
public enum HTTPSourceReader {
    public static func reader(client: OutboundHTTP) -> SourceReader {
        { url, timeoutSeconds in
            var request = HTTPClientRequest(url: url.absoluteString)
            request.headers.add(name: "Accept", value: "application/json")
            request.headers.add(name: "User-Agent", value: "Guichet-Source/1")
            let answer = try await client.execute(request, timeout: .seconds(Int64(timeoutSeconds)), maxBytes: 8 << 20)
            return Data(answer.body.readableBytesView)
        }
    }
}
