import Foundation
import LightboxCore
import LightboxIO
import LightboxTestSupport
import NIOHTTP1
import Testing

/// Missing angles over real HTTP, with the real model and a loopback images API that
/// answers every edit with a product photo (the lipstick fixture) as a generator would.
@Suite(.serialized) struct AngleJobsTests {
    static func generator(_ api: FakeImagesAPI, dailyImages: Int = 100) throws -> GenerativeScenes {
        var settings = GeneratorSettings()
        settings.baseURL = api.baseURL
        settings.apiKey = Secret("sk-angles-test")
        settings.cacheFolder = try Fixtures.scratchFolder("angle-cache").path
        settings.dailyImages = dailyImages
        return try #require(GenerativeScenes(settings: settings))
    }

    static func service(_ generator: GenerativeScenes?) async throws -> ServiceHarness {
        let services = PipelineServices(segmenter: TestEngine.services.segmenter, generator: generator)
        return try await ServiceHarness.start(workers: 1, services: services) {
            $0.allowPrivateURLs = true
            $0.upkeepInterval = .milliseconds(100)
        }
    }

    static let drawn = try! Fixtures.data("lipstick-wall.jpg")

    @Test func aShotsMissingAnglesWaitUnpublishedUntilApproved() async throws {
        let api = try await FakeImagesAPI.start([.image(Self.drawn)])
        defer { Task { await api.stop() } }
        let site = try await StoreSite.start(photo: Data(), failFirst: 0)
        defer { site.stop() }
        let service = try await Self.service(try Self.generator(api))
        let key = try await service.key(credits: 10), other = try await service.key(credits: 10)
        let photo = try Fixtures.data("mug-wood.jpg")
        let asked: [(String, String)] = [("size", "300x300"), ("fill_angles", "3"), ("gallery_images", "1"),
                                         ("webhook_url", "http://127.0.0.1:\(site.port)/hook")]
        let accepted = try await service.submit(photo, fields: asked, key: key)
        let hero = try await service.finished(try #require(accepted.json["generation_id"] as? String), key: key)
        #expect(hero.json["status"] as? String == "completed", "\(hero.json)")
        let queued = try #require((hero.json["angles"] as? [String: Any])?["queued"] as? [String], "\(hero.json)")
        #expect(queued.count == 2)
        #expect((hero.json["notes"] as? [String])?.contains { $0.hasPrefix("queued 2 angle(s) for review") } == true)

        var views: [String] = []
        for id in queued {
            let angle = try await service.finished(id, key: key)
            #expect(angle.json["status"] as? String == "completed", "\(angle.json)")
            #expect(angle.json["generated"] as? Bool == true)
            #expect((angle.json["review"] as? [String: Any])?["state"] as? String == "pending")
            #expect((angle.json["review"] as? [String: Any])?["reason"] as? String == "generated_angle")
            #expect(angle.json["output_url"] == nil && (angle.json["outputs"] as? [String: Any])?.isEmpty == true,
                    "nothing is published before approval: \(angle.json)")
            views.append(try #require((angle.json["angle"] as? [String: Any])?["view"] as? String))
        }
        #expect(views == ["three-quarter", "side"])

        // The edit model was sent the hero shot itself, once per view.
        let heroURL = try #require(hero.json["output_url"] as? String)
        let shot = try await service.send(.GET, heroURL).body
        #expect(api.requests.count == 2 && api.requests.allSatisfy { $0.path == "/v1/images/edits" })
        #expect(api.requests.allSatisfy { $0.file?.data == shot && $0.body["model"] == "gpt-image-1" })
        #expect(api.requests[0].body["prompt"]?.contains("three-quarter view") == true)
        #expect(api.requests[1].body["prompt"]?.contains("from the side") == true)

        // Its owner sees the angle, labelled as generated; nobody can fetch it as an output.
        let preview = try await service.send(.GET, "/v1/image/\(queued[0])/preview", key: key)
        #expect(preview.status == 200 && preview.headers["content-type"] == "image/jpeg")
        #expect(GeneratedImageLabel.isLabelled(preview.body))
        #expect(try await service.send(.GET, "/v1/image/\(queued[0])/preview", key: other).status == 404)
        let file = EncodedImage(format: .jpeg, data: preview.body, size: PixelSize(width: 1, height: 1)).fileName
        #expect(try await service.send(.GET, "/outputs/files/\(file)").status == 404)
        try await Task.sleep(for: .milliseconds(600))
        #expect(site.calls.count == 1, "only the shot is announced before approval")

        // Approved: published under the link the job now lists, label and all, and announced.
        let approved = try await service.send(.POST, "/v1/reviews/\(queued[0])/approve", key: key)
        let published = try #require(approved.json["output_url"] as? String, "\(approved.json)")
        let fetched = try await service.send(.GET, published)
        #expect(fetched.status == 200 && fetched.body == preview.body && GeneratedImageLabel.isLabelled(fetched.body))
        let pixels = try Pixels(decoding: fetched.body)
        #expect(pixels.width == 300 && pixels.height == 300)
        // Rejected: stays unpublished.
        let rejected = try await service.send(.POST, "/v1/reviews/\(queued[1])/reject", key: key)
        #expect(rejected.status == 200 && rejected.json["output_url"] == nil)
        let deadline = Date() + 10
        while site.calls.count < 2 && Date() < deadline { try await Task.sleep(for: .milliseconds(100)) }
        try await Task.sleep(for: .milliseconds(600))
        #expect(site.calls.count == 2, "the shot, then the approved angle; a rejected one is never announced")
        let event = try JSONSerialization.jsonObject(with: site.calls[1].body) as? [String: Any]
        let announced = event?["data"] as? [String: Any]
        #expect(announced?["generation_id"] as? String == queued[0] && announced?["output_url"] as? String == published)
        let fix = try await service.send(.POST, "/v1/reviews/\(queued[1])/fix", key: key)
        #expect(fix.status == 409)

        // The same photo again (another size): a re-render draws no angles.
        let again = try await service.submit(photo, fields: [("size", "320x320"), ("fill_angles", "3")], key: key)
        let rerender = try await service.finished(try #require(again.json["generation_id"] as? String), key: key)
        let declined = (rerender.json["angles"] as? [String: Any])?["declined"] as? String
        #expect(declined?.contains("drawn for this photo before") == true, "\(rerender.json)")
        #expect(api.requests.count == 2)
        await service.stop()
    }

    @Test func aWatermarkedPhotoIsNotSentOut() async throws {
        let api = try await FakeImagesAPI.start([.image(Self.drawn)])
        defer { Task { await api.stop() } }
        let service = try await Self.service(try Self.generator(api))
        let key = try await service.key(credits: 10)
        let photo = try VipsImage.decode(try Data(contentsOf: Fixtures.examples.appendingPathComponent("kitchen-mug.jpg")))
        let height = photo.height / 18
        let marked = try photo.drawingText("© StockPhotos 2024", at: (photo.width / 30, photo.height - 2 * height),
                                           font: "DejaVu Sans Bold \(height)", ink: [255, 255, 255]).encoded(as: .jpeg)
        let accepted = try await service.submit(marked, fields: [("size", "300x300"), ("fill_angles", "2")], key: key)
        let hero = try await service.finished(try #require(accepted.json["generation_id"] as? String), key: key)
        #expect(hero.json["status"] as? String == "completed", "the shot itself is made")
        let angles = try #require(hero.json["angles"] as? [String: Any], "\(hero.json)")
        #expect((angles["queued"] as? [String])?.isEmpty == true)
        #expect((angles["declined"] as? String)?.contains("over the background") == true)
        #expect(api.requests.isEmpty, "nothing was sent out")
        await service.stop()
    }

    @Test func overTheDailyBudgetAnAngleFailsAndNothingMoreIsSpent() async throws {
        let api = try await FakeImagesAPI.start([.image(Self.drawn)])
        defer { Task { await api.stop() } }
        let service = try await Self.service(try Self.generator(api, dailyImages: 1))
        let key = try await service.key(credits: 10)
        let accepted = try await service.submit(try Fixtures.data("mug-wood.jpg"),
                                                fields: [("size", "300x300"), ("fill_angles", "3"), ("category", "footwear")],
                                                key: key)
        let hero = try await service.finished(try #require(accepted.json["generation_id"] as? String), key: key)
        let queued = try #require((hero.json["angles"] as? [String: Any])?["queued"] as? [String], "\(hero.json)")
        let first = try await service.finished(queued[0], key: key), second = try await service.finished(queued[1], key: key)
        #expect(first.json["status"] as? String == "completed")
        #expect(second.json["status"] as? String == "failed" && second.error?.code == "budget_exceeded", "\(second.json)")
        #expect(second.json["credits_used"] as? Int == 0)
        #expect(api.requests.count == 1)
        #expect(api.requests[0].body["prompt"]?.hasPrefix("The same shoe as in the photo, seen from the side") == true)
        await service.stop()
    }

    @Test func withoutAGeneratorTheShotSaysWhyThereAreNoAngles() async throws {
        let service = try await Self.service(nil)
        let key = try await service.key(credits: 10)
        let accepted = try await service.submit(try Fixtures.data("mug-wood.jpg"), fields: [("size", "300x300"), ("fill_angles", "2")],
                                                key: key)
        let hero = try await service.finished(try #require(accepted.json["generation_id"] as? String), key: key)
        #expect(hero.json["status"] as? String == "completed")
        #expect((hero.json["angles"] as? [String: Any])?["declined"] as? String == "no generator is configured (--generator-url)")
        let bad = try await service.submit(try Fixtures.data("mug-wood.jpg"), fields: [("fill_angles", "9")], key: key)
        #expect(bad.status == 400 && bad.error?.message.contains("fill_angles") == true, "\(bad.json)")
        await service.stop()
    }
}
