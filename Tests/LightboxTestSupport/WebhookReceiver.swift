import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import NIOFoundationCompat
import Synchronization

/// A store's webhook endpoint on a loopback port: records every call as it arrives, holds it
/// open for `hold` (a slow receiver, so a test can act mid-delivery), then answers 204.
public final class WebhookReceiver: Sendable {
    public struct Call: Sendable {
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
    public var url: String { "http://127.0.0.1:\(port)/hook" }

    public static func start(hold: Duration = .zero) async throws -> WebhookReceiver {
        let log = Log()
        let router = Router()
        router.post("/hook") { request, _ -> Response in
            let body = Data(buffer: try await request.body.collect(upTo: 1 << 20))
            log.calls.withLock {
                $0.append(Call(webhookID: request.headers[HTTPField.Name("Lightbox-Webhook-Id")!],
                               signature: request.headers[HTTPField.Name("Lightbox-Signature")!], body: body))
            }
            try await Task.sleep(for: hold)
            return Response(status: .noContent)
        }
        let (port, task) = try await LoopbackServer.start(router)
        return WebhookReceiver(port: port, task: task, log: log)
    }

    private init(port: Int, task: Task<Void, any Error>, log: Log) {
        self.port = port
        self.task = task
        self.log = log
    }

    public func stop() { task.cancel() }
}
