import Foundation
import LightboxCore
import LightboxIO
import LightboxTestSupport
import Testing

/// A batch with `--review`, then `lightbox review DIR` over real HTTP: the flagged items are
/// listed for the key alone, decisions land in the ledger and the next run's manifest, and a
/// fix is rendered by the next batch run.
@Suite(.serialized) struct ReviewCommandTests {
    /// `lightbox review` on a free port, once it answers: polled over HTTP rather than read from
    /// its log, which a loaded machine can deliver late.
    static func reviewSite(_ folder: URL, keyFile: URL) async throws -> (RunningLightbox, APIClient) {
        let port = try LoopbackPort.free()
        let site = try RunningLightbox(["review", folder.path, "--port", String(port), "--key-file", keyFile.path,
                                        "--reviewer", "ana"])
        let client = APIClient(port: port)
        let deadline = Date() + 180
        while Date() < deadline {
            if let page = try? await client.send(.GET, "/review"), page.status == 200 { return (site, client) }
            guard site.isRunning else { break }
            try await Task.sleep(for: .milliseconds(100))
        }
        site.kill(SIGTERM)
        throw LightboxError(.internal, "lightbox review did not answer: \(site.standardError)")
    }

    @Test func aBatchsFlaggedItemsAreDecidedAndFixedFromTheReviewPage() async throws {
        let work = try Fixtures.scratchFolder("batch-review")
        let photos = work.appendingPathComponent("photos"), out = work.appendingPathComponent("out")
        try FileManager.default.createDirectory(at: photos, withIntermediateDirectories: true)
        for name in ["kitchen-mug", "wall-bangle", "studio-compact-perfume"] {
            try FileManager.default.copyItem(at: Fixtures.examples.appendingPathComponent(name + ".jpg"),
                                             to: photos.appendingPathComponent(name + ".jpg"))
        }
        // Everything scores under 0.99: all three wait for a person.
        let arguments = ["batch", photos.path, "--out", out.path, "--review", "--review-below", "0.99", "--frame", "photo",
                         "--background", "transparent", "--shadow", "none", "--format", "png", "--photo-megapixels", "1"]
        let first = try await LightboxBinary.running(arguments)
        #expect(first.status == 0, "\(first.standardError)")
        func manifest() throws -> [String: [String: Any]] {
            let json = try JSONSerialization.jsonObject(with: Data(contentsOf: out.appendingPathComponent("manifest.json"))) as? [String: Any]
            let skus = try #require(json?["skus"] as? [[String: Any]])
            return Dictionary(uniqueKeysWithValues: skus.compactMap { sku in
                ((sku["stores"] as? [String: [[String: Any]]])?["default"]?.first?["review"] as? [String: Any])
                    .map { (sku["sku"] as? String ?? "", $0) }
            })
        }
        #expect(try manifest().mapValues { $0["state"] as? String } == ["kitchen-mug": "pending", "wall-bangle": "pending",
                                                                        "studio-compact-perfume": "pending"])
        #expect(try manifest()["kitchen-mug"]?["reason"] as? String == "low_score")

        let keyFile = work.appendingPathComponent("review.key")
        let key = "lbr_test_0123456789abcdef"
        try Data(key.utf8).write(to: keyFile)
        let (site, client) = try await Self.reviewSite(out, keyFile: keyFile)
        defer { site.kill(SIGTERM) }
        #expect(!site.standardError.contains(key), "a key from a file is not printed")
        #expect(try await client.send(.GET, "/v1/reviews").status == 401)
        #expect(try await client.send(.GET, "/v1/reviews", key: "lbr_wrong_0123456789abcdef").status == 401)
        let listed = try #require(try await client.send(.GET, "/v1/reviews", key: key).json["reviews"] as? [[String: Any]])
        let ids = Dictionary(uniqueKeysWithValues: listed.map { ($0["sku"] as? String ?? "", $0["generation_id"] as? String ?? "") })
        #expect(ids.count == 3)
        let page = try await client.send(.GET, "/review")
        #expect(page.status == 200 && String(decoding: page.body, as: UTF8.self).contains("Waiting for a person"))
        let preview = try await client.send(.GET, "/v1/image/\(ids["wall-bangle"]!)/preview", key: key)
        #expect(preview.status == 200 && preview.headers["content-type"] == "image/png")
        let input = try await client.send(.GET, "/v1/image/\(ids["kitchen-mug"]!)/input", key: key)
        #expect(input.body == (try Data(contentsOf: photos.appendingPathComponent("kitchen-mug.jpg"))))

        let approved = try await client.send(.POST, "/v1/reviews/\(ids["wall-bangle"]!)/approve", key: key)
        #expect(approved.status == 200 && (approved.json["review"] as? [String: Any])?["decided_by"] as? String == "ana")
        #expect(try await client.send(.POST, "/v1/reviews/\(ids["wall-bangle"]!)/reject", key: key).status == 409)
        #expect(try await client.send(.POST, "/v1/reviews/\(ids["studio-compact-perfume"]!)/reject", key: key).status == 200)
        let fix = try await client.send(.POST, "/v1/reviews/\(ids["kitchen-mug"]!)/fix", key: key,
                                        body: Data(#"{"hints": "remove:0.723,0.6"}"#.utf8), contentType: "application/json")
        #expect(fix.status == 202, "\(fix.json)")
        #expect((try await client.send(.GET, "/v1/reviews", key: key).json["reviews"] as? [Any])?.isEmpty == true)
        site.kill(SIGTERM)
        _ = try await site.exitStatus()

        // The next run renders the fixed photo again, skips the rest, and exports every decision.
        let second = try await LightboxBinary.running(arguments)
        #expect(second.status == 0, "\(second.standardError)")
        let file = try #require(CatalogueFixtures.files(in: out).first { $0.hasPrefix("default/kitchen-mug/") && $0.hasSuffix(".png") })
        let pixels = try Pixels(decoding: Data(contentsOf: out.appendingPathComponent(file)))
        #expect(pixels[Int(0.723 * Double(pixels.width)), Int(0.6 * Double(pixels.height)), 3] < 30, "the fix removed the board")
        let decided = try manifest()
        #expect(decided["wall-bangle"]?["state"] as? String == "approved" && decided["wall-bangle"]?["decided_by"] as? String == "ana")
        #expect(decided["studio-compact-perfume"]?["state"] as? String == "rejected")
        #expect(decided["kitchen-mug"]?["state"] as? String == "pending", "the fixed render waits for a look of its own")
        let csv = try String(contentsOf: out.appendingPathComponent("manifest.csv"), encoding: .utf8)
        #expect(csv.hasPrefix("store,sku,label,source,status,reason,avif,webp,jpeg,png,original,picture,review,review_reason,reviewed_by,reviewed_at\n"))
        #expect(csv.contains(",approved,low_score,ana,"))
    }

    @Test func thePageApprovesAndRejectsABatchsItemsInABrowser() async throws {
        let work = try Fixtures.scratchFolder("batch-review-page")
        let photos = work.appendingPathComponent("photos"), out = work.appendingPathComponent("out")
        try FileManager.default.createDirectory(at: photos, withIntermediateDirectories: true)
        for name in ["kitchen-mug", "wall-bangle"] {
            try FileManager.default.copyItem(at: Fixtures.examples.appendingPathComponent(name + ".jpg"),
                                             to: photos.appendingPathComponent(name + ".jpg"))
        }
        let batch = try await LightboxBinary.running(["batch", photos.path, "--out", out.path, "--review", "--review-below", "0.99",
                                            "--size", "400x400", "--format", "jpeg"])
        #expect(batch.status == 0, "\(batch.standardError)")
        let key = "lbr_page_0123456789abcdef", keyFile = work.appendingPathComponent("review.key")
        try Data(key.utf8).write(to: keyFile)
        let (site, client) = try await Self.reviewSite(out, keyFile: keyFile)
        defer { site.kill(SIGTERM) }
        let port = client.port
        let listed = try #require(try await client.send(.GET, "/v1/reviews", key: key).json["reviews"] as? [[String: Any]])
        let ids = listed.compactMap { $0["generation_id"] as? String }
        let shots = try Fixtures.scratchFolder("batch-review-screenshots")
        let script = Fixtures.repositoryRoot.appendingPathComponent("Tests/Pages/review_test.py").path
        let result = try await onThread {
            try ChildProcess.run("/usr/bin/env", ["python3", script, "http://127.0.0.1:\(port)", key, ids[0], ids[1], shots.path])
        }
        #expect(result.status == 0, "\(result.standardError.suffix(3000))")
        let seen = try #require(try JSONSerialization.jsonObject(with: Data(result.standardOutput.utf8)) as? [String: Any],
                                "\(result.standardOutput)")
        #expect(seen["summary"] as? String == "2 waiting")
        #expect(seen["output_sizes"] as? [String: Int] == [ids[0]: 400, ids[1]: 400], "the batch's results show: \(seen)")
        #expect(seen["decisions"] as? [String: String] == [ids[0]: "approved", ids[1]: "rejected"])
        #expect(seen["decision_text"] as? String == "approved by ana")
        #expect(seen["after_reload"] as? String == "Nothing is waiting.")
        print("batch review screenshots: \(shots.path)")
    }

    @Test func aFolderWithNoBatchIsNamed() throws {
        let empty = try Fixtures.scratchFolder("no-batch")
        let result = try LightboxBinary.run(["review", empty.path, "--port", "0"])
        #expect(result.status != 0 && result.standardError.contains("holds no batch"), "\(result.standardError)")
    }
}
