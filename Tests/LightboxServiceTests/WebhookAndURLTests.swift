import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import LightboxCore
import LightboxIO
import LightboxTestSupport
import NIOCore
import NIOFoundationCompat
import NIOHTTP1
import Synchronization
import Testing

@testable import LightboxService

@Suite(.serialized) struct WebhookAndURLTests {
    @Test func aPhotoFromAURLIsProcessedAndItsSignedWebhookRetriedUntilDelivered() async throws {
        let site = try await StoreSite.start(photo: try Fixtures.data("lipstick-exif6.jpg"), failFirst: 1)
        defer { site.stop() }
        let service = try await ServiceHarness.start {
            $0.allowPrivateURLs = true
            $0.upkeepInterval = .milliseconds(100)
        }
        let key = try await service.key()
        let accepted = try await service.submit(nil, fields: [
            ("image_url", "http://127.0.0.1:\(site.port)/photo.jpg"), ("webhook_url", "http://127.0.0.1:\(site.port)/hook"),
            ("size", "200x200"), ("output_format", "png"),
        ], key: key)
        #expect(accepted.status == 202, "\(accepted.json)")
        let id = try #require(accepted.json["generation_id"] as? String)
        #expect(try await service.finished(id, key: key).json["status"] as? String == "completed")

        // The first call gets a 500, the retry (after about a second) a 204.
        let deadline = Date() + 10
        while site.calls.count < 2 && Date() < deadline { try await Task.sleep(for: .milliseconds(100)) }
        let calls = site.calls
        #expect(calls.count == 2)
        let secret = try #require(Data(hex: String(contentsOf: service.host.config.dataFolder!
            .appendingPathComponent("webhook-secret"), encoding: .utf8)))
        for call in calls {
            #expect(call.event == "generation.completed")
            let fields = Dictionary(uniqueKeysWithValues: (call.signature ?? "").split(separator: ",").map {
                let pair = $0.split(separator: "=", maxSplits: 1)
                return (String(pair[0]), String(pair.count > 1 ? pair[1] : ""))
            })
            let expected = HMAC<SHA256>.authenticationCode(for: Data((fields["t"] ?? "").utf8) + Data(".".utf8) + call.body,
                                                           using: SymmetricKey(data: secret))
            #expect(fields["v1"] == Data(expected).map { String(format: "%02x", $0) }.joined(), "a valid signature")
            let body = try #require(try JSONSerialization.jsonObject(with: call.body) as? [String: Any])
            #expect((body["data"] as? [String: Any])?["generation_id"] as? String == id)
        }
        try await Task.sleep(for: .milliseconds(300))
        let status = try await service.send(.GET, "/v1/image/\(id)", key: key).json
        let deliveries = try #require((status["webhook"] as? [String: Any])?["deliveries"] as? [[String: Any]])
        #expect(deliveries.map { $0["status_code"] as? Int } == [500, 204])
        let metrics = String(decoding: try await service.send(.GET, "/metrics").body, as: UTF8.self)
        #expect(metrics.contains(#"lightbox_webhook_deliveries_total{result="delivered"} 1"#))
        await service.stop()
    }

    /// Retries are bounded: a receiver that always fails is called `maxAttempts` times, then given up.
    @Test func aReceiverThatAlwaysFailsIsGivenUpAfterTheLastAttempt() async throws {
        let site = try await StoreSite.start(photo: Data(), failFirst: .max)
        defer { site.stop() }
        // Upkeep never runs on its own: the test delivers, as if each retry were already due.
        let service = try await ServiceHarness.start {
            $0.allowPrivateURLs = true
            $0.upkeepInterval = .seconds(3600)
        }
        let key = try await service.key()
        let accepted = try await service.submit(try Fixtures.data("lipstick-small.jpg"), fields: [
            ("webhook_url", "http://127.0.0.1:\(site.port)/hook"), ("size", "160x160"), ("output_format", "png"),
        ], key: key)
        let id = try #require(accepted.json["generation_id"] as? String)
        #expect(try await service.finished(id, key: key).json["status"] as? String == "completed")
        for _ in 0..<(WebhookSender.maxAttempts + 3) { await service.host.webhooks.deliverDue(now: Date() + 3600) }
        #expect(site.calls.count == WebhookSender.maxAttempts)
        let deliveries = try await service.host.store.webhookDeliveries(id: id)
        #expect(deliveries.map(\.attempt) == Array(1...WebhookSender.maxAttempts) && deliveries.allSatisfy { !$0.delivered })
        #expect(try await service.host.store.dueWebhooks(now: Date() + 86_400, limit: 10).isEmpty, "nothing left to retry")
        let metrics = String(decoding: try await service.send(.GET, "/metrics").body, as: UTF8.self)
        #expect(metrics.contains(#"lightbox_webhook_deliveries_total{result="gave_up"} 1"#))
        await service.stop()
    }

    @Test func urlsToPrivateOrLocalAddressesAreRefused() async throws {
        let service = try await ServiceHarness.start(workers: 0)
        let key = try await service.key()
        let photo = try Fixtures.data("lipstick-exif6.jpg")
        let cases: [([(String, String)], Data?, String)] = [
            ([("image_url", "http://127.0.0.1:9/photo.jpg")], nil, "url_forbidden"),
            ([("image_url", "http://169.254.169.254/latest/meta-data")], nil, "url_forbidden"),
            ([("image_url", "http://[::1]/x.jpg")], nil, "url_forbidden"),
            ([("image_url", "file:///etc/passwd")], nil, "invalid_option"),
            ([("webhook_url", "http://localhost:8080/hook")], photo, "url_forbidden"),
            ([("webhook_url", "http://10.1.2.3/hook")], photo, "url_forbidden"),
        ]
        for (fields, image, code) in cases {
            let reply = try await service.submit(image, fields: fields, key: key)
            #expect(reply.status == 400 && reply.error?.code == code, "\(fields): \(reply.json)")
        }
        #expect(try await service.host.store.counts().values.reduce(0, +) == 0)
        await service.stop()
    }

    @Test func privateRangesAreRecognised() {
        for address in ["127.0.0.1", "10.0.0.8", "172.20.1.1", "192.168.1.1", "169.254.169.254", "100.64.0.1", "0.0.0.0",
                        "::1", "fd00::1", "fe80::1", "::ffff:127.0.0.1"] {
            #expect(PublicURL.isPrivate(address), "\(address)")
        }
        for address in ["8.8.8.8", "151.101.1.69", "172.32.0.1", "2606:4700::1111"] {
            #expect(!PublicURL.isPrivate(address), "\(address)")
        }
    }
}
