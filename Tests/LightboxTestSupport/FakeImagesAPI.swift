import Foundation
import Hummingbird
import Logging
import LightboxCore
import NIOCore
import Synchronization

/// A real HTTP server on loopback that speaks the OpenAI images contract,
/// `POST /v1/images/generations` (JSON) and `POST /v1/images/edits` (multipart), answering
/// both from one script, and records what it was sent.
public final class FakeImagesAPI: Sendable {
    public enum Reply: Sendable {
        /// 200 with `{"data":[{"b64_json": …}]}`.
        case image(Data)
        /// The status, an optional `Retry-After`, and an OpenAI-style error body.
        case status(Int, retryAfter: String? = nil, message: String = "try again")
        /// 200 with a body that is not the contract's JSON.
        case malformed
        /// Waits, then answers.
        indirect case delayed(seconds: Double, Reply)
    }

    public struct Received: Sendable {
        public let path: String
        public let authorization: String?
        /// The JSON body's fields, or the multipart body's text fields.
        public var body: [String: String]
        /// The multipart body's file: its field, file name, type and bytes.
        public var file: (field: String, name: String, type: String, data: Data)? = nil
    }

    private let script: Mutex<[Reply]>
    private let received = Mutex<[Received]>([])
    private let task: Mutex<Task<Void, any Error>?> = Mutex(nil)
    public let port: Int

    public var baseURL: URL { URL(string: "http://127.0.0.1:\(port)")! }
    public var requests: [Received] { received.withLock { $0 } }

    /// Starts listening on a free port; replies are used in order, the last one repeats.
    public static func start(_ replies: [Reply]) async throws -> FakeImagesAPI {
        let box = Mutex<FakeImagesAPI?>(nil)
        let router = Router()
        for path in ["/v1/images/generations", "/v1/images/edits"] {
            router.post(RouterPath(path)) { request, _ -> Response in
                let body = Data(buffer: try await request.body.collect(upTo: 64 << 20))
                guard let server = box.withLock({ $0 }) else { return Response(status: .serviceUnavailable) }
                return try await server.answer(Self.received(path: path, authorization: request.headers[.authorization],
                                                             contentType: request.headers[.contentType] ?? "", body: body))
            }
        }
        let (port, running) = try await LoopbackServer.start(router)
        let server = FakeImagesAPI(script: replies, port: port)
        server.task.withLock { $0 = running }
        box.withLock { $0 = server }
        return server
    }

    private init(script: [Reply], port: Int) {
        self.script = Mutex(script)
        self.port = port
    }

    public func stop() async {
        let running = task.withLock { $0 }
        running?.cancel()
        _ = await running?.result
    }

    private static func received(path: String, authorization: String?, contentType: String, body: Data) -> Received {
        guard let boundary = contentType.components(separatedBy: "boundary=").dropFirst().first else {
            let fields = (try? JSONSerialization.jsonObject(with: body) as? [String: Any]) ?? [:]
            return Received(path: path, authorization: authorization, body: fields.mapValues { "\($0)" })
        }
        var request = Received(path: path, authorization: authorization, body: [:])
        let separator = Data("--\(boundary)".utf8), blank = Data("\r\n\r\n".utf8)
        var rest = body[...]
        while let start = rest.range(of: separator) {
            rest = rest[start.upperBound...]
            guard let headEnd = rest.range(of: blank), let next = rest.range(of: separator) else { break }
            let head = String(decoding: rest[rest.startIndex..<headEnd.lowerBound], as: UTF8.self)
            let content = Data(rest[headEnd.upperBound..<(next.lowerBound - 2)])
            func quoted(_ key: String) -> String? {
                head.components(separatedBy: "\(key)=\"").dropFirst().first?.components(separatedBy: "\"").first
            }
            guard let name = quoted("name") else { continue }
            if let fileName = quoted("filename") {
                let type = head.components(separatedBy: "Content-Type: ").dropFirst().first?
                    .trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
                request.file = (name, fileName, type, content)
            } else {
                request.body[name] = String(decoding: content, as: UTF8.self)
            }
        }
        return request
    }

    private func answer(_ request: Received) async throws -> Response {
        received.withLock { $0.append(request) }
        let reply = script.withLock { replies in replies.count > 1 ? replies.removeFirst() : replies.first }
        return try await respond(reply ?? .status(500))
    }

    private func respond(_ reply: Reply) async throws -> Response {
        switch reply {
        case .image(let data):
            return json(200, #"{"created":1,"data":[{"b64_json":"\#(data.base64EncodedString())"}]}"#)
        case .status(let code, let retryAfter, let message):
            var response = json(code, #"{"error":{"message":"\#(message)","type":"server_error"}}"#)
            if let retryAfter { response.headers[.retryAfter] = retryAfter }
            return response
        case .malformed:
            return json(200, #"{"data": [ {"url": "#)
        case .delayed(let seconds, let then):
            try await Task.sleep(for: .milliseconds(Int(seconds * 1000)))
            return try await respond(then)
        }
    }

    private func json(_ status: Int, _ text: String) -> Response {
        Response(status: HTTPResponse.Status(code: status), headers: [.contentType: "application/json"],
                 body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
    }

    /// A solid-colour PNG, as a generator might paint.
    public static func png(_ colour: [Double], size: PixelSize = PixelSize(width: 256, height: 256)) throws -> Data {
        try VipsImage.solid(size, colour: colour).tagged(.srgb).encoded(as: .png)
    }
}

/// Serves a router on a free loopback port until its task is cancelled.
public enum LoopbackServer {
    public static func start(_ router: Router<BasicRequestContext>) async throws -> (port: Int, task: Task<Void, any Error>) {
        let (ports, portSink) = AsyncStream<Int>.makeStream()
        var quiet = Logger(label: "loopback-test-server")
        quiet.logLevel = .critical
        let application = Application(
            router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { channel in portSink.yield(channel.localAddress?.port ?? 0) }, logger: quiet)
        let running = Task { try await application.runService(gracefulShutdownSignals: []) }
        var iterator = ports.makeAsyncIterator()
        guard let port = await iterator.next(), port > 0 else { throw CancellationError() }
        return (port, running)
    }
}

/// Runs blocking work on its own thread, leaving Swift's few cooperative threads free
/// (a loopback server in the same process needs them to answer).
public func onThread<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        Thread { continuation.resume(with: Result { try body() }) }.start()
    }
}
