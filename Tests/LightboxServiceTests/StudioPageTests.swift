import Foundation
import LightboxIO
import LightboxTestSupport
import Testing

/// `/studio` in a real headless Chromium (Tests/Pages/studio_test.py, selenium), against a
/// real service with the real model. Screenshots are kept in the scratch folder it names.
@Suite(.serialized) struct StudioPageTests {
    @Test func aPersonSignsInUploadsAPhotoAndDownloadsTheShot() async throws {
        let service = try await ServiceHarness.start(workers: 1)
        let key = try await service.key(credits: 5)
        let shots = try Fixtures.scratchFolder("studio-screenshots")
        let script = Fixtures.repositoryRoot.appendingPathComponent("Tests/Pages/studio_test.py").path
        let result = try await onThread {
            try ChildProcess.run("/usr/bin/env", ["python3", script, "http://127.0.0.1:\(service.port)", key,
                                                  Fixtures.url("mug-wood.jpg").path, shots.path])
        }
        #expect(result.status == 0, "\(result.standardError.suffix(3000))")
        let seen = try #require(try JSONSerialization.jsonObject(with: Data(result.standardOutput.utf8)) as? [String: Any],
                                "\(result.standardOutput)")
        #expect(seen["title"] as? String == "Lightbox Studio")
        #expect((seen["wrong_key"] as? String)?.contains("valid API key") == true, "\(seen)")
        #expect(seen["studio_hidden_after_wrong_key"] as? Bool == true && seen["key_in_url"] as? Bool == false)
        #expect(seen["status"] as? String == "completed" && seen["job_json"] as? String == "completed", "\(seen)")
        #expect(seen["credits_before"] as? String == "5 credits available" && seen["credits_after"] as? String == "4 credits available")
        #expect(seen["downloads"] as? [String] == ["download-jpeg", "download-webp"])
        #expect((seen["before_clip"] as? String)?.contains("20%") == true, "the slider reveals the before photo")
        let jpeg = try #require(seen["jpeg"] as? [String: Any])
        #expect(jpeg["type"] as? String == "image/jpeg" && jpeg["size"] as? [Int] == [600, 600])
        // Marble is a light grey stone, not the default white; the mug's blue is at the centre.
        let corner = try #require(jpeg["corner"] as? [Int]), centre = try #require(jpeg["centre"] as? [Int])
        #expect(corner.allSatisfy { (150...250).contains($0) } && corner != [255, 255, 255], "\(corner)")
        #expect(centre[2] > centre[0] + 20, "the blue mug at the centre: \(centre)")
        // 200 px tiles: 150 px of row labels + 5 shadows × 208, 28 px of column labels + 8 presets × 208.
        #expect(seen["sheet_status"] as? String == "completed" && seen["sheet_size"] as? [Int] == [1198, 1700], "\(seen)")
        #expect(seen["phone_scroll_width"] as? Int ?? 1000 <= 390, "no sideways scrolling at phone width")
        for name in ["studio-sign-in.png", "studio-result.png", "studio-sheet.png", "studio-phone.png"] {
            #expect(FileManager.default.fileExists(atPath: shots.appendingPathComponent(name).path), "\(name)")
        }
        print("studio screenshots: \(shots.path)")
        await service.stop()
    }
}

/// `/review` in the same browser: approve one waiting result, reject the other.
@Suite(.serialized) struct ReviewPageTests {
    @Test func aPersonApprovesOneResultAndRejectsAnother() async throws {
        let service = try await ReviewAPITests.service()
        let key = try await service.key(credits: 5)
        var ids: [String] = []
        for photo in ["mug-wood.jpg", "lipstick-wall.jpg"] {
            let accepted = try await service.submit(Fixtures.data(photo), fields: [("size", "300x300")], key: key)
            let id = try #require(accepted.json["generation_id"] as? String)
            #expect(try await service.finished(id, key: key).json["status"] as? String == "completed")
            ids.append(id)
        }
        let shots = try Fixtures.scratchFolder("review-screenshots")
        let script = Fixtures.repositoryRoot.appendingPathComponent("Tests/Pages/review_test.py").path
        let arguments = [script, "http://127.0.0.1:\(service.port)", key, ids[0], ids[1], shots.path]
        let result = try await onThread { try ChildProcess.run("/usr/bin/env", ["python3"] + arguments) }
        #expect(result.status == 0, "\(result.standardError.suffix(3000))")
        let seen = try #require(try JSONSerialization.jsonObject(with: Data(result.standardOutput.utf8)) as? [String: Any],
                                "\(result.standardOutput)")
        #expect(seen["summary"] as? String == "2 waiting" && seen["listed"] as? [String] == ids.sorted())
        #expect((seen["why"] as? [String: String])?.values.allSatisfy { $0.hasPrefix("low QA score · QA score 0.") } == true,
                "\(seen)")
        #expect(seen["decisions"] as? [String: String] == [ids[0]: "approved", ids[1]: "rejected"])
        #expect((seen["decision_text"] as? String)?.hasPrefix("approved by ") == true, "\(seen)")
        #expect(seen["after_reload"] as? String == "Nothing is waiting.")
        // The decisions are the store's, not the page's.
        for (id, state) in [(ids[0], "approved"), (ids[1], "rejected")] {
            let review = try await service.send(.GET, "/v1/image/\(id)", key: key).json["review"] as? [String: Any]
            #expect(review?["state"] as? String == state)
        }
        print("review screenshots: \(shots.path)")
        await service.stop()
    }

    @Test func aGeneratedAngleIsShownAsSuchFromItsPreviewAndApproved() async throws {
        let api = try await FakeImagesAPI.start([.image(AngleJobsTests.drawn)])
        defer { Task { await api.stop() } }
        let service = try await AngleJobsTests.service(try AngleJobsTests.generator(api))
        let key = try await service.key(credits: 5)
        let accepted = try await service.submit(Fixtures.data("mug-wood.jpg"), fields: [("size", "300x300"), ("fill_angles", "3")],
                                                key: key)
        let hero = try await service.finished(try #require(accepted.json["generation_id"] as? String), key: key)
        let ids = try #require((hero.json["angles"] as? [String: Any])?["queued"] as? [String], "\(hero.json)")
        for id in ids { #expect(try await service.finished(id, key: key).json["status"] as? String == "completed") }
        let shots = try Fixtures.scratchFolder("review-angle-screenshots")
        let script = Fixtures.repositoryRoot.appendingPathComponent("Tests/Pages/review_test.py").path
        let arguments = [script, "http://127.0.0.1:\(service.port)", key, ids[0], ids[1], shots.path]
        let result = try await onThread { try ChildProcess.run("/usr/bin/env", ["python3"] + arguments) }
        #expect(result.status == 0, "\(result.standardError.suffix(3000))")
        let seen = try #require(try JSONSerialization.jsonObject(with: Data(result.standardOutput.utf8)) as? [String: Any],
                                "\(result.standardOutput)")
        let why = try #require(seen["why"] as? [String: String], "\(seen)")
        #expect(why[ids[0]]?.hasPrefix("AI-generated three-quarter angle of \(hero.json["generation_id"] as? String ?? "")") == true,
                "\(why)")
        #expect(why.values.allSatisfy { $0.hasSuffix("published only once approved") })
        #expect(seen["output_sizes"] as? [String: Int] == [ids[0]: 300, ids[1]: 300], "the preview shows: \(seen)")
        #expect(seen["fix_shown"] as? [String: Bool] == [ids[0]: false, ids[1]: false])
        #expect(seen["decisions"] as? [String: String] == [ids[0]: "approved", ids[1]: "rejected"])
        #expect(try await service.send(.GET, "/v1/image/\(ids[0])", key: key).json["output_url"] as? String != nil)
        #expect(try await service.send(.GET, "/v1/image/\(ids[1])", key: key).json["output_url"] == nil)
        print("review screenshots: \(shots.path)")
        await service.stop()
    }
}

/// Click-to-fix on `/review`: one click on the board behind the kitchen mug, then Fix.
@Suite(.serialized) struct ReviewFixPageTests {
    @Test func aClickOnTheBoardAndFixRendersItWithoutTheBoard() async throws {
        let service = try await ReviewAPITests.service()
        let key = try await service.key(credits: 5)
        let photo = try Data(contentsOf: Fixtures.examples.appendingPathComponent("kitchen-mug.jpg"))
        let (body, type) = APIClient.multipart(image: photo, fields: [])
        let accepted = try await service.send(.POST, "/v1/image/remove-background", key: key, body: body, contentType: type)
        let id = try #require(accepted.json["id"] as? String)
        #expect(try await service.finished(id, key: key).json["status"] as? String == "completed")
        let shots = try Fixtures.scratchFolder("fix-screenshots")
        let script = Fixtures.repositoryRoot.appendingPathComponent("Tests/Pages/fix_test.py").path
        let arguments = [script, "http://127.0.0.1:\(service.port)", key, id, String(ApplyHintsBoard.x),
                         String(ApplyHintsBoard.y), shots.path]
        let result = try await onThread { try ChildProcess.run("/usr/bin/env", ["python3"] + arguments) }
        #expect(result.status == 0, "\(result.standardError.suffix(3000))")
        let seen = try #require(try JSONSerialization.jsonObject(with: Data(result.standardOutput.utf8)) as? [String: Any],
                                "\(result.standardOutput)")
        #expect(seen["points"] as? String == "1 point(s) marked" && seen["marks"] as? Int == 1)
        #expect(seen["preview_mask"] as? String == "cached", "the preview reuses the job's mask: \(seen)")
        #expect((seen["preview_caption"] as? String)?.hasPrefix("Preview of the fix, rendered in ") == true)
        #expect(seen["preview_alpha_at_click"] as? Int ?? 255 < 30, "the preview has no board: \(seen)")
        #expect((seen["decision"] as? String)?.hasPrefix("fixed: gen_") == true, "\(seen)")
        #expect((seen["notes"] as? [String])?.contains("applied 1 matte hint(s)") == true)
        #expect(seen["alpha_at_click"] as? Int ?? 255 < 30, "the board is gone: \(seen)")
        #expect(seen["alpha_at_mug"] as? Int == 255, "the mug stays")
        print("fix screenshots: \(shots.path)")
        await service.stop()
    }
}
