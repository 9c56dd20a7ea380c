import AsyncHTTPClient
import Foundation
import LightboxJobs
import LightboxService
import LightboxTestSupport
import NIOCore
import NIOHTTP1
import NIOFoundationCompat
import Logging

/// A real service on a loopback port, with the real model and a real SQLite file, talked
/// to over real HTTP.
final class ServiceHarness: Sendable {
    let host: ServiceHost
    let port: Int
    private let task: Task<Void, any Error>

    static func start(workers: Int = 1, configure: (inout ServiceConfig) -> Void = { _ in }) async throws -> ServiceHarness {
        var config = ServiceConfig(dataFolder: try Fixtures.scratchFolder("service"))
        config.workers = workers
        config.pollInterval = .milliseconds(50)
        configure(&config)
        let host = try ServiceHost(config: config, services: TestEngine.services)
        let (ports, sink) = AsyncStream<Int>.makeStream()
        var quiet = Logger(label: "test-service")
        quiet.logLevel = .critical
        let task = Task { try await host.run(port: 0, logger: quiet) { sink.yield($0) } }
        var iterator = ports.makeAsyncIterator()
        guard let port = await iterator.next() else { throw CancellationError() }
        return ServiceHarness(host: host, port: port, task: task)
    }

    private init(host: ServiceHost, port: Int, task: Task<Void, any Error>) {
        self.host = host
        self.port = port
        self.task = task
    }

    func stop() async {
        task.cancel()
        _ = await task.result
    }

    /// A new account's key.
    func key(credits: Int = 10) async throws -> String {
        let issued = APIKeys.issue()
        try await host.store.createAccount(id: issued.account, keyHash: issued.hash, credits: credits)
        return issued.key
    }

    struct Reply {
        let status: Int
        let headers: [String: String]
        let body: Data

        var json: [String: Any] { (try? JSONSerialization.jsonObject(with: body) as? [String: Any]) ?? [:] }
        var error: (code: String, message: String)? {
            guard let detail = json["error"] as? [String: Any], let code = detail["code"] as? String else { return nil }
            return (code, detail["message"] as? String ?? "")
        }
    }

    func send(_ method: HTTPMethod, _ path: String, key: String? = nil, headers: [String: String] = [:],
              body: Data? = nil, contentType: String? = nil) async throws -> Reply {
        var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)\(path)")
        request.method = method
        if let key { request.headers.add(name: "Authorization", value: "Bearer \(key)") }
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        if let contentType { request.headers.add(name: "Content-Type", value: contentType) }
        if let body { request.body = .bytes(ByteBuffer(data: body)) }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
        let bytes = try await response.body.collect(upTo: 64 << 20)
        return Reply(status: Int(response.status.code),
                     headers: Dictionary(response.headers.map { ($0.name.lowercased(), $0.value) }, uniquingKeysWith: { $1 }),
                     body: Data(buffer: bytes))
    }

    /// `POST /v1/image/product-photo` with the image as a file part and the fields as text parts.
    func submit(_ image: Data?, fields: [(String, String)] = [], key: String?,
                headers: [String: String] = [:]) async throws -> Reply {
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
        return try await send(.POST, "/v1/image/product-photo", key: key, headers: headers, body: body,
                              contentType: "multipart/form-data; boundary=\(boundary)")
    }

    /// Polls a generation until it leaves queued and processing.
    func finished(_ id: String, key: String, within seconds: Double = 90) async throws -> Reply {
        let deadline = Date() + seconds
        while true {
            let reply = try await send(.GET, "/v1/image/\(id)", key: key)
            let status = reply.json["status"] as? String
            if status != "queued" && status != "processing" || Date() > deadline { return reply }
            try await Task.sleep(for: .milliseconds(100))
        }
    }
}
