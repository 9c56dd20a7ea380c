import Foundation
import LightboxIO
import LightboxTestSupport
import Testing

/// Clients written for remove.bg and PixelAPI, in Python as their users write them, pointed
/// at Lightbox by the base URL and key alone (Tests/Clients).
@Suite(.serialized) struct CompatibilityClientsTests {
    static func python(_ script: String, _ arguments: [String]) async throws -> [[String: Any]] {
        let path = Fixtures.repositoryRoot.appendingPathComponent("Tests/Clients/\(script)").path
        let result = try await onThread { try ChildProcess.run("/usr/bin/env", ["python3", path] + arguments) }
        #expect(result.status == 0, "\(script): \(result.standardError)")
        return result.standardOutput.split(separator: "\n").compactMap {
            try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
        }
    }

    @Test func aRemoveBGClientFromItsDocumentationWorksUnchanged() async throws {
        let service = try await ServiceHarness.start(workers: 1)
        let key = try await service.key(credits: 3)
        let out = try Fixtures.scratchFolder("removebg-client").appendingPathComponent("no-bg.png")
        let lines = try await Self.python("removebg_client.py", ["http://127.0.0.1:\(service.port)", key,
                                                                 Fixtures.url("mug-wood.jpg").path, out.path])
        let line = try #require(lines.first)
        #expect(line["status"] as? Int == 200 && line["content_type"] as? String == "image/png", "\(line)")
        #expect(line["width"] as? String == "600" && line["credits_charged"] as? String == "1" && line["credits_total"] as? Int == 2)
        // The saved file is the mug cut out at the photo's full size.
        let saved = try Pixels(decoding: Data(contentsOf: out))
        let truth = try Pixels(Fixtures.alpha("mug-wood"))
        #expect(saved.width == 600 && saved.height == 800 && saved.bands == 4)
        var (both, either) = (0, 0)
        for y in 0..<saved.height {
            for x in 0..<saved.width {
                let (cut, real) = (saved[x, y, 3] >= 128, truth[x, y] >= 128)
                both += cut && real ? 1 : 0
                either += cut || real ? 1 : 0
            }
        }
        #expect(Double(both) / Double(max(1, either)) > 0.8, "IoU with the true matte: \(both) / \(either)")
        await service.stop()
    }

    @Test func aClientCallingLikePixelAPIsSDKGetsOnlyItsStatuses() async throws {
        let site = try await StoreSite.start(photo: try Fixtures.data("lipstick-small.jpg"), failFirst: 0)
        defer { site.stop() }
        let service = try await ServiceHarness.start(workers: 1) { $0.allowPrivateURLs = true }
        let key = try await service.key(credits: 5)
        let lines = try await Self.python("pixelapi_client.py", ["http://127.0.0.1:\(service.port)", key,
                                                                 "http://127.0.0.1:\(site.port)/photo.jpg"])
        #expect(lines.map { $0["endpoint"] as? String } == ["remove-background", "replace-background", "product-photo"])
        for line in lines {
            #expect(line["status"] as? String == "completed" && (line["output_url"] as? String)?.hasPrefix("/outputs/") == true,
                    "\(line)")
        }
        await service.stop()
    }
}
