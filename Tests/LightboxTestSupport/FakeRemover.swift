import Foundation
import HTTPTypes
import Hummingbird
import LightboxCore
import NIOCore
import Synchronization

/// A real HTTP server on loopback that answers remove.bg's `POST /v1.0/removebg` from a
/// script, and records what it was sent.
public final class FakeRemover: Sendable {
    public enum Reply: Sendable {
        /// 200 with these PNG bytes.
        case cutout(Data)
        /// The status, an optional `Retry-After`, and a remove.bg-style error body.
        case status(Int, retryAfter: String? = nil, title: String = "try again")
    }

    public struct Received: Sendable {
        public let apiKey: String?
        public let contentType: String?
        public let body: Data
        public let at: Date

        /// A text field of the multipart body, by name.
        public func field(_ name: String) -> String? {
            let text = String(decoding: body, as: UTF8.self)
            guard let start = text.range(of: "name=\"\(name)\"\r\n\r\n")?.upperBound,
                  let end = text[start...].range(of: "\r\n")?.lowerBound else { return nil }
            return String(text[start..<end])
        }
    }

    private let script: Mutex<[Reply]>
    private let received = Mutex<[Received]>([])
    private let task: Mutex<Task<Void, any Error>?> = Mutex(nil)
    public let port: Int

    public var url: URL { URL(string: "http://127.0.0.1:\(port)")! }
    public var requests: [Received] { received.withLock { $0 } }

    /// Starts listening on a free port; replies are used in order, the last one repeats.
    public static func start(_ replies: [Reply]) async throws -> FakeRemover {
        let box = Mutex<FakeRemover?>(nil)
        let router = Router()
        router.post("/v1.0/removebg") { request, _ -> Response in
            let body = Data(buffer: try await request.body.collect(upTo: 64 << 20))
            guard let server = box.withLock({ $0 }) else { return Response(status: .serviceUnavailable) }
            return server.answer(Received(apiKey: request.headers[HTTPField.Name("X-Api-Key")!],
                                          contentType: request.headers[.contentType], body: body, at: Date()))
        }
        let (port, running) = try await LoopbackServer.start(router)
        let server = FakeRemover(script: replies, port: port)
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

    private func answer(_ request: Received) -> Response {
        received.withLock { $0.append(request) }
        switch script.withLock({ replies in replies.count > 1 ? replies.removeFirst() : replies.first }) ?? .status(500) {
        case .cutout(let png):
            return Response(status: .ok, headers: [.contentType: "image/png"], body: ResponseBody(byteBuffer: ByteBuffer(data: png)))
        case .status(let code, let retryAfter, let title):
            var response = Response(status: HTTPResponse.Status(code: code), headers: [.contentType: "application/json"],
                                    body: ResponseBody(byteBuffer: ByteBuffer(string: #"{"errors":[{"title":"\#(title)"}]}"#)))
            if let retryAfter { response.headers[.retryAfter] = retryAfter }
            return response
        }
    }

    /// What a good remover answers for a fixture: the photo with its true alpha.
    public static func trueCutout(of name: String) throws -> Data {
        let photo = try VipsImage.decode(Fixtures.data(name + ".jpg"))
        let alpha = try VipsImage.decode(Fixtures.data(name + "-alpha.png"))
        return try photo.joined(with: alpha.bands(0)).tagged(.srgb).encoded(as: .png)
    }
}
