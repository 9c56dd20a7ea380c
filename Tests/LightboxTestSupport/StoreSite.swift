import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import NIOFoundationCompat
import Synchronization

/// A store's web server on a loopback port: serves a photo at /photo.jpg and takes webhook calls
/// at /hook, recording each as it arrives. It answers 500 to the first `failFirst` calls and
/// 204 after, each after holding the call open for `hold` (a slow receiver, so a test can act
/// mid-delivery).
public final class StoreSite: Sendable {
    public struct Call: Sendable {
        public let event: String?
        public let webhookID: String?
        public let signature: String?
        public let body: Data

        /// `data.generation_id` of the event.
        public var generationID: String? {
            let event = try? JSONSerialization.jsonObject(with: body) as? [String: Any]
            return (event?["data"] as? [String: Any])?["generation_id"] as? String
        }
    }

    private final class Log: Sendable {
        let calls = Mutex<[Call]>([])
    }

    public let port: Int
    private let task: Task<Void, any Error>
    private let log: Log

    public var calls: [Call] { log.calls.withLock { $0 } }
    public var hookURL: String { "http://127.0.0.1:\(port)/hook" }

    public static func start(photo: Data = Data(), failFirst: Int = 0, hold: Duration = .zero) async throws -> StoreSite {
        let log = Log()
        let router = Router()
        router.get("/photo.jpg") { _, _ in Response(status: .ok, body: ResponseBody(byteBuffer: ByteBuffer(data: photo))) }
        router.post("/hook") { request, _ -> Response in
            let body = Data(buffer: try await request.body.collect(upTo: 1 << 20))
            let count = log.calls.withLock { calls in
                calls.append(Call(event: request.headers[HTTPField.Name("Lightbox-Event")!],
                                  webhookID: request.headers[HTTPField.Name("Lightbox-Webhook-Id")!],
                                  signature: request.headers[HTTPField.Name("Lightbox-Signature")!], body: body))
                return calls.count
            }
            try await Task.sleep(for: hold)
            return Response(status: count <= failFirst ? .internalServerError : .noContent)
        }
        let (port, task) = try await LoopbackServer.start(router)
        return StoreSite(port: port, task: task, log: log)
    }

    private init(port: Int, task: Task<Void, any Error>, log: Log) {
        self.port = port
        self.task = task
        self.log = log
    }

    public func stop() { task.cancel() }
}
