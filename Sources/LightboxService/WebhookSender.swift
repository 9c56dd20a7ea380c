import AsyncHTTPClient
import Crypto
import Foundation
import LightboxCore
import LightboxIO
import LightboxJobs
import NIOCore
import NIOFoundationCompat

/// Calls each ended job's `webhook_url` with its status, at least once: delivery state is
/// in the store, so a restart carries on. A 2xx answer is delivered; otherwise it retries
/// after 1, 2, 4, 8 s (±25%) and gives up after `maxAttempts`. Each call is signed,
/// `Lightbox-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">`, with the
/// service's webhook secret, so that a receiver can tell it came from us.
final class WebhookSender: Sendable {
    static let maxAttempts = 5
    let store: any JobStore
    let secret: Data
    let allowPrivate: Bool
    let metrics: ServiceMetrics
    let links: OutputLinks

    init(store: any JobStore, secret: Data, allowPrivate: Bool, metrics: ServiceMetrics, links: OutputLinks) {
        self.links = links
        self.store = store
        self.secret = secret
        self.allowPrivate = allowPrivate
        self.metrics = metrics
    }

    func deliverDue(now: Date = Date()) async {
        for job in (try? await store.dueWebhooks(now: now, limit: 20)) ?? [] {
            await deliver(job)
        }
    }

    private func deliver(_ job: Job) async {
        guard let target = job.webhookURL,
              let previous = try? await store.webhookDeliveries(id: job.id) else { return }
        let attempt = previous.count + 1
        let event = job.state == .completed ? "generation.completed" : "generation.failed"
        var statusCode: Int?
        var failure: String?
        do {
            // Checked again at delivery (the name may resolve elsewhere by now), and connected to
            // the address checked.
            let checked = try PublicURL(target, field: "webhook_url", allowPrivate: allowPrivate)
            let url = checked.url
            let body = try Self.encoder.encode(Event(event: event, data: StatusBody(job, deliveries: previous, links: links)))
            let stamp = String(Int(Date().timeIntervalSince1970))
            var request = HTTPClientRequest(url: url.absoluteString)
            request.method = .POST
            request.headers.add(name: "Content-Type", value: "application/json")
            request.headers.add(name: "Lightbox-Event", value: event)
            // The same on every retry, so a receiver can drop a call it has already handled.
            request.headers.add(name: "Lightbox-Webhook-Id", value: "\(job.id).\(event)")
            request.headers.add(name: "Lightbox-Signature", value: "t=\(stamp),v1=\(signature(stamp, body))")
            request.body = .bytes(ByteBuffer(data: body))
            // A redirect is an answer, not followed: a receiver that moved is told so by its status.
            statusCode = try await GuardedHTTP.send(request, to: checked, timeout: .seconds(10), maxBytes: 1 << 20).status
        } catch let error as LightboxError {
            failure = error.message
        } catch {
            failure = "\(error)"
        }
        let delivery = WebhookDelivery(attempt: attempt, at: Date(), statusCode: statusCode, error: failure)
        let retry = !delivery.delivered && attempt < Self.maxAttempts
        let retryAt = retry ? Date() + Backoff().delay(after: attempt, retryAfter: nil, unit: .random(in: -1...1)).seconds : nil
        try? await store.recordWebhook(id: job.id, delivery: delivery, retryAt: retryAt)
        metrics.recordWebhook(result: delivery.delivered ? "delivered" : retry ? "retrying" : "gave_up")
    }

    func signature(_ stamp: String, _ body: Data) -> String {
        HMAC<SHA256>.authenticationCode(for: Data(stamp.utf8) + Data(".".utf8) + body, using: SymmetricKey(data: secret)).hex
    }

    /// The service's secret, shared by every process on the store (made by the first): it
    /// signs webhooks and private output links. With a data folder, `DIR/webhook-secret`
    /// (readable by its owner only) seeds it and then holds a copy, for receivers to read.
    static func secret(store: any JobStore, folder: URL?) async throws -> Data {
        let file = folder?.appendingPathComponent("webhook-secret")
        let local = file.flatMap { try? String(contentsOf: $0, encoding: .utf8) }.flatMap { Data(hex: $0) }
        var generator = SystemRandomNumberGenerator()
        let proposed = local ?? Data((0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) })
        let shared = try await store.sharedSecret(named: "webhook", proposed: proposed)
        if let file, local != shared {
            try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
            try? FileManager.default.removeItem(at: file)
            guard FileManager.default.createFile(atPath: file.path, contents: Data(shared.hex.utf8),
                                                 attributes: [.posixPermissions: 0o600]) else {
                throw LightboxError(.outputFailed, "Cannot write \(file.path)")
            }
        }
        return shared
    }

    private struct Event: Encodable {
        let event: String
        let data: StatusBody
    }

    private static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.outputFormatting = [.sortedKeys]
        return encoder
    }()
}

extension Data {
    /// Bytes from hex text, or nil.
    init?(hex: String) {
        let digits = Array(hex.trimmingCharacters(in: .whitespacesAndNewlines).utf8)
        guard digits.count % 2 == 0, !digits.isEmpty else { return nil }
        var bytes: [UInt8] = []
        for index in stride(from: 0, to: digits.count, by: 2) {
            guard let byte = UInt8(String(decoding: digits[index..<index + 2], as: UTF8.self), radix: 16) else { return nil }
            bytes.append(byte)
        }
        self.init(bytes)
    }
}
