import AsyncHTTPClient
import Foundation
import NIOCore
import NIOFoundationCompat
import NIOHTTP1

/// Talks to a Lightbox service over real HTTP, as a store's code would.
public struct APIClient: Sendable {
    public let port: Int

    public init(port: Int) {
        self.port = port
    }

    public struct Reply: Sendable {
        public let status: Int
        public let headers: [String: String]
        public let body: Data

        public var json: [String: Any] { (try? JSONSerialization.jsonObject(with: body) as? [String: Any]) ?? [:] }
        public var error: (code: String, message: String)? {
            guard let detail = json["error"] as? [String: Any], let code = detail["code"] as? String else { return nil }
            return (code, detail["message"] as? String ?? "")
        }
    }

    public func send(_ method: HTTPMethod, _ path: String, key: String? = nil, headers: [String: String] = [:],
              body: Data? = nil, contentType: String? = nil) async throws -> Reply {
        var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)\(path)")
        request.method = method
        if let key { request.headers.add(name: "Authorization", value: "Bearer \(key)") }
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        if let contentType { request.headers.add(name: "Content-Type", value: contentType) }
        if let body { request.body = .bytes(ByteBuffer(data: body)) }
        // Longer than a synchronous request's own 60 s, so that a loaded machine gets the service's answer.
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(90))
        let bytes = try await response.body.collect(upTo: 64 << 20)
        return Reply(status: Int(response.status.code),
                     headers: Dictionary(response.headers.map { ($0.name.lowercased(), $0.value) }, uniquingKeysWith: { $1 }),
                     body: Data(buffer: bytes))
    }

    /// `POST /v1/image/product-photo` with the image as a file part and the fields as text parts.
    public func submit(_ image: Data?, fields: [(String, String)] = [], key: String?,
                headers: [String: String] = [:]) async throws -> Reply {
        let (body, contentType) = Self.multipart(image: image, fields: fields)
        return try await send(.POST, "/v1/image/product-photo", key: key, headers: headers, body: body,
                              contentType: contentType)
    }

    /// A multipart/form-data body: the image as a file part named `image`, the fields as text parts.
    public static func multipart(image: Data?, fields: [(String, String)]) -> (body: Data, contentType: String) {
        let boundary = "lightbox-test-\(UUID().uuidString)"
        var body = Data()
        func part(_ disposition: String, _ content: Data, type: String? = nil) {
            body += Data("--\(boundary)\r\nContent-Disposition: form-data; \(disposition)\r\n".utf8)
            if let type { body += Data("Content-Type: \(type)\r\n".utf8) }
            body += Data("\r\n".utf8) + content + Data("\r\n".utf8)
        }
        if let image { part("name=\"image\"; filename=\"photo.jpg\"", image, type: "image/jpeg") }
        for (name, value) in fields { part("name=\"\(name)\"", Data(value.utf8)) }
        body += Data("--\(boundary)--\r\n".utf8)
        return (body, "multipart/form-data; boundary=\(boundary)")
    }

    /// Polls a generation until it leaves queued and processing.
    public func finished(_ id: String, key: String, within seconds: Double = 90) async throws -> Reply {
        let deadline = Date() + seconds
        while true {
            let reply = try await send(.GET, "/v1/image/\(id)", key: key)
            let status = reply.json["status"] as? String
            if status != "pending" && status != "processing" || Date() > deadline { return reply }
            try await Task.sleep(for: .milliseconds(100))
        }
    }
}
