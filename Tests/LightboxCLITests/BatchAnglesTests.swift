import Foundation
import LightboxCore
import LightboxTestSupport
import Testing

/// `lightbox batch --fill-angles` against a loopback images API: new SKUs with too few
/// images get the rest drawn, held in DIR/pending until `lightbox review DIR` approves them.
@Suite(.serialized) struct BatchAnglesTests {
    @Test func newSKUsGetTheirMissingAnglesHeldForApproval() async throws {
        // A different "view" for each call, as a generator's would be.
        let api = try await FakeImagesAPI.start(try ["lipstick-wall.jpg", "bottle-exif8.jpg", "lipstick-exif6.jpg"].map {
            .image(try Fixtures.data($0))
        })
        defer { Task { await api.stop() } }
        let work = try Fixtures.scratchFolder("batch-angles")
        let photos = work.appendingPathComponent("photos"), out = work.appendingPathComponent("out")
        func place(_ data: Data, _ path: String) throws {
            let file = photos.appendingPathComponent(path)
            try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
            try data.write(to: file)
        }
        try place(try Fixtures.data("mug-wood.jpg"), "MUG-1/a.jpg")
        try place(try Fixtures.data("lipstick-small.jpg"), "MUG-1/b.jpg")
        try place(try Data(contentsOf: Fixtures.examples.appendingPathComponent("wall-bangle.jpg")), "BANGLE-2/a.jpg")
        let mug = try VipsImage.decode(try Data(contentsOf: Fixtures.examples.appendingPathComponent("kitchen-mug.jpg")))
        let height = mug.height / 18
        try place(try mug.drawingText("© StockPhotos 2024", at: (mug.width / 30, mug.height - 2 * height),
                                      font: "DejaVu Sans Bold \(height)", ink: [255, 255, 255]).encoded(as: .jpeg), "WM-3/a.jpg")
        let environment = ["LIGHTBOX_GENERATOR_URL": api.baseURL.absoluteString, "LIGHTBOX_GENERATOR_KEY": "sk-batch-angles",
                           "LIGHTBOX_GENERATOR_CACHE": try Fixtures.scratchFolder("batch-angle-cache").path]
        let arguments = ["batch", photos.path, "--out", out.path, "--sku-from", "{sku}/*", "--fill-angles", "3",
                         "--size", "300x300", "--format", "jpeg"]
        let first = try await LightboxBinary.running(arguments, environment: environment)
        #expect(first.status == 0, "\(first.standardError)")
        let report = try JSONSerialization.jsonObject(with: Data(contentsOf: out.appendingPathComponent("report.json"))) as? [String: Any]
        let angles = try #require(report?["angles"] as? [String: Any], "\(report ?? [:])")
        // MUG-1 has two images (one drawn), BANGLE-2 one (two drawn); WM-3 is not sent out.
        #expect(angles["drawn"] as? Int == 3)
        #expect(((angles["declined"] as? [String: String])?["WM-3"])?.contains("over the background") == true, "\(angles)")
        #expect(api.requests.count == 3 && api.requests.allSatisfy { $0.path == "/v1/images/edits" })
        let files = CatalogueFixtures.files(in: out)
        let pending = files.filter { $0.hasPrefix("pending/default/") && $0.hasSuffix(".jpg") }
        #expect(pending.count == 3, "\(files)")
        #expect(try pending.allSatisfy { GeneratedImageLabel.isLabelled(try Data(contentsOf: out.appendingPathComponent($0))) })
        let published = files.filter { $0.hasPrefix("default/") && $0.hasSuffix(".jpg") }
        #expect(published.count == 4, "only the four photos' shots are in the store folder: \(published)")
        #expect(try published.allSatisfy { !GeneratedImageLabel.isLabelled(try Data(contentsOf: out.appendingPathComponent($0))) })

        // The next run draws nothing again.
        let again = try await LightboxBinary.running(arguments, environment: environment)
        #expect(again.status == 0 && api.requests.count == 3, "\(again.standardError)")

        let key = "lbr_angles_0123456789abcdef", keyFile = work.appendingPathComponent("review.key")
        try Data(key.utf8).write(to: keyFile)
        let (site, client) = try await ReviewCommandTests.reviewSite(out, keyFile: keyFile)
        defer { site.kill(SIGTERM) }
        let listed = try #require(try await client.send(.GET, "/v1/reviews", key: key).json["reviews"] as? [[String: Any]])
        let generated = listed.filter { $0["generated"] as? Bool == true }
        #expect(generated.count == 3)
        let bangle = generated.filter { $0["sku"] as? String == "BANGLE-2" }
        #expect(bangle.compactMap { ($0["angle"] as? [String: Any])?["view"] as? String }.sorted() == ["side", "three-quarter"])
        let shot = try await client.send(.GET, "/v1/image/\(bangle[0]["generation_id"] as? String ?? "")/input", key: key)
        #expect(shot.status == 200 && shot.headers["content-type"] == "image/jpeg", "the shot it was drawn from")
        let approve = try await client.send(.POST, "/v1/reviews/\(bangle[0]["generation_id"] as? String ?? "")/approve", key: key)
        #expect(approve.status == 200)
        #expect(try await client.send(.POST, "/v1/reviews/\(bangle[1]["generation_id"] as? String ?? "")/reject", key: key).status == 200)
        site.kill(SIGTERM)
        _ = try await site.exitStatus()

        let after = CatalogueFixtures.files(in: out).filter { $0.hasPrefix("default/BANGLE-2/") && $0.hasSuffix(".jpg") }
        #expect(after.count == 2, "the shot and the approved angle: \(after)")
        #expect(try after.filter { GeneratedImageLabel.isLabelled(try Data(contentsOf: out.appendingPathComponent($0))) }.count == 1)
        let third = try await LightboxBinary.running(arguments, environment: environment)
        #expect(third.status == 0 && api.requests.count == 3)
        let manifest = try JSONSerialization.jsonObject(with: Data(contentsOf: out.appendingPathComponent("manifest.json"))) as? [String: Any]
        let skus = try #require(manifest?["skus"] as? [[String: Any]])
        let images = try #require((skus.first { $0["sku"] as? String == "BANGLE-2" }?["stores"] as? [String: [[String: Any]]])?["default"])
        let states = images.filter { $0["generated"] as? Bool == true }.compactMap { ($0["review"] as? [String: Any])?["state"] as? String }
        #expect(states.sorted() == ["approved", "rejected"], "\(images)")
        let approvedFiles = images.first { ($0["review"] as? [String: Any])?["state"] as? String == "approved" }?["files"] as? [String: String]
        #expect(approvedFiles?["jpeg"]?.hasPrefix("default/BANGLE-2/") == true, "listed where it was published: \(approvedFiles ?? [:])")
    }
}
