import Foundation
import LightboxCore
import LightboxIO
import LightboxTestSupport
import NIOHTTP1
import Testing

/// The workers' second opinion: with `fallback-remover` set, a result scoring under
/// `review-below` (the mug scores 0.92 against 0.95) is cut out again from the remover's
/// matte, checked by our QA, and waits for a person, whether or not `review` is on.
@Suite(.serialized) struct JobRunnerTests {
    static let key = "rbg-fallback-5e11"

    @Test func aLowScoreIsCutOutAgainByTheFallbackRemoverAndWaitsForApproval() async throws {
        let remover = try await FakeRemover.start([.cutout(try FakeRemover.trueCutout(of: "mug-wood"))])
        defer { Task { await remover.stop() } }
        let site = try await StoreSite.start(photo: Data(), failFirst: 0)
        defer { site.stop() }
        let usage = try Fixtures.scratchFolder("fallback").appendingPathComponent("usage.json")
        let service = try await ServiceHarness.start(workers: 1) {
            $0.reviewBelow = 0.95
            $0.allowPrivateURLs = true
            $0.upkeepInterval = .milliseconds(100)
            $0.fallbackRemover.url = remover.url.appendingPathComponent("v1.0/removebg")
            $0.fallbackRemover.apiKey = Secret(Self.key)
            $0.fallbackRemover.dailyImages = 1
            $0.fallbackRemover.usageFile = usage.path
        }
        let key = try await service.key(credits: 5)
        let photo = try Fixtures.data("mug-wood.jpg")
        /// A cutout in the photo's own frame, whose alpha shows which matte was used.
        func cutOut(as format: String, hook: Bool) async throws -> [String: Any] {
            var fields = [("output_format", format)]
            if hook { fields.append(("webhook_url", "http://127.0.0.1:\(site.port)/hook")) }
            let (body, type) = APIClient.multipart(image: photo, fields: fields)
            let accepted = try await service.send(.POST, "/v1/image/remove-background", key: key, body: body, contentType: type)
            let id = try #require(accepted.json["generation_id"] as? String, "\(accepted.json)")
            return try await service.finished(id, key: key).json
        }
        /// How well the output's alpha matches the photo's true one.
        func iou(_ job: [String: Any]) async throws -> Double {
            let file = try await service.send(.GET, try #require(job["output_url"] as? String), key: key)
            let output = try VipsImage.decode(file.body)
            let truth = try VipsImage.decode(Fixtures.data("mug-wood-alpha.png")).resampled(to: output.size, kernel: .linear)
            return MaskComparison.iou(try Pixels(output.bands(3)), try Pixels(truth.bands(0)))
        }

        let second = try await cutOut(as: "png", hook: true)
        #expect(second["status"] as? String == "completed", "\(second)")
        let review = try #require(second["review"] as? [String: Any], "into review although review is off: \(second)")
        #expect(review["state"] as? String == "pending" && review["reason"] as? String == "fallback_remover")
        #expect((second["notes"] as? [String])?.contains("matte from the fallback remover") == true, "\(second)")
        let sent = try #require(remover.requests.first)
        #expect(remover.requests.count == 1 && sent.apiKey == Self.key && sent.body.range(of: photo) != nil)
        try await Task.sleep(for: .milliseconds(800))
        #expect(site.calls.isEmpty, "nothing is announced before a person approves")

        // The budget of one is spent: the next photo keeps our own cutout, which says why.
        let ours = try await cutOut(as: "webp", hook: false)
        #expect(ours["status"] as? String == "completed" && ours["review"] == nil, "\(ours)")
        #expect((ours["notes"] as? [String])?.contains {
            $0.contains("fallback remover not used") && $0.contains("daily budget of 1 images")
        } == true, "\(ours)")
        #expect(remover.requests.count == 1)
        let (theirs, own) = (try await iou(second), try await iou(ours))
        #expect(theirs > 0.95 && theirs > own, "IoU with the remover's matte \(theirs), with ours \(own)")

        let id = try #require(second["generation_id"] as? String)
        #expect(try await service.send(.POST, "/v1/reviews/\(id)/approve", key: key).status == 200)
        let deadline = Date() + 10
        while site.calls.isEmpty && Date() < deadline { try await Task.sleep(for: .milliseconds(100)) }
        #expect(site.calls.map(\.event) == ["generation.completed"], "announced once approved")
        await service.stop()
    }
}
