import Foundation
import LightboxCore
import LightboxIO
import LightboxTestSupport
import Testing

@Suite struct ProcessCommandTests {
    private func files(in folder: URL) -> [String] {
        (FileManager.default.enumerator(atPath: folder.path)?.allObjects as? [String] ?? [])
            .filter { !$0.hasSuffix("/") && FileManager.default.fileExists(atPath: folder.appendingPathComponent($0).path) }
            .filter { name in
                var isFolder: ObjCBool = false
                FileManager.default.fileExists(atPath: folder.appendingPathComponent(name).path, isDirectory: &isFolder)
                return !isFolder.boolValue
            }.sorted()
    }

    @Test func processesAFolderAndPrintsWhatItWrote() throws {
        let out = try Fixtures.scratchFolder()
        let result = try LightboxBinary.run(["process", Fixtures.examples.path, "--out", out.path, "--format", "jpeg,avif"])
        #expect(result.status == 0, "\(result.standardError)")
        let printed = result.standardOutput.split(separator: "\n").map(String.init)
        #expect(printed.count == 10, "5 examples × 2 formats")
        #expect(printed.allSatisfy { FileManager.default.fileExists(atPath: $0) })
        #expect(Set(printed.map { URL(fileURLWithPath: $0).deletingLastPathComponent().lastPathComponent })
            .contains("wall-pump-bottle-exif6"))
    }

    @Test func jsonReportsEveryImage() throws {
        let out = try Fixtures.scratchFolder()
        let result = try LightboxBinary.run(["process", Fixtures.url("mug-wood.jpg").path, "--out", out.path, "--json",
                                             "--size", "800x600", "--shadow", "hard"])
        #expect(result.status == 0)
        let report = try #require(result.jsonLines.first)
        #expect(report["status"] as? String == "completed")
        let outputs = try #require(report["outputs"] as? [[String: Any]])
        #expect(outputs.map { $0["format"] as? String } == ["jpeg", "webp"])
        #expect(outputs.allSatisfy { $0["width"] as? Int == 800 && $0["height"] as? Int == 600 })
        let timings = try #require(report["timings_ms"] as? [String: Double])
        #expect(Set(timings.keys).isSuperset(of: ["decode", "segment", "refine-matte", "encode"]))
        let qa = try #require(report["qa"] as? [String: Any])
        #expect(qa["passed"] as? Bool == true && (qa["score"] as? Double ?? 0) > 0.5)
    }

    @Test func aBackgroundPromptIsPaintedByTheConfiguredGeneratorOnce() async throws {
        let key = "sk-cli-test-81d2"
        let server = try await FakeImagesAPI.start([.image(try FakeImagesAPI.png([0, 128, 128]))])
        defer { Task { await server.stop() } }
        let environment = ["LIGHTBOX_GENERATOR_URL": server.baseURL.absoluteString, "LIGHTBOX_GENERATOR_KEY": key,
                           "LIGHTBOX_GENERATOR_CACHE": try Fixtures.scratchFolder("scene-cache").path]
        let out = try Fixtures.scratchFolder()
        let run = { @Sendable (background: String) in
            try await onThread {
                try LightboxBinary.run(["process", Fixtures.url("lipstick-small.jpg").path, "--out", out.path, "--json",
                                        "--size", "300x240", "--format", "png", "--shadow", "none", "--background", background],
                                       environment: environment)
            }
        }
        for attempt in 1...2 {
            let result = try await run("a sunlit scandinavian kitchen counter")
            #expect(result.status == 0, "\(result.standardError)")
            #expect(!(result.standardOutput + result.standardError).contains(key))
            let report = try #require(result.jsonLines.first)
            let notes = report["notes"] as? [String] ?? []
            #expect(notes.contains("generated scene served from the cache") == (attempt == 2))
            let output = try #require((report["outputs"] as? [[String: Any]])?.first?["path"] as? String)
            let pixels = try Pixels(decoding: Data(contentsOf: URL(fileURLWithPath: output)))
            #expect(pixels.pixel(2, 2) == [0, 128, 128] && pixels.pixel(297, 237) == [0, 128, 128])
        }
        #expect(server.requests.count == 1)
        #expect(server.requests.first?.authorization == "Bearer \(key)")
        #expect(server.requests.first?.body["size"] == "1024x1024")
        // Simple backgrounds never reach the generator.
        let white = try await run("clean white studio background")
        #expect(white.status == 0)
        #expect(server.requests.count == 1)
    }

    @Test func cutoutsAreWrittenEvenWhenQAFails() throws {
        let out = try Fixtures.scratchFolder(), cutouts = try Fixtures.scratchFolder()
        let result = try LightboxBinary.run(["process", Fixtures.url("flat-wall.jpg").path, Fixtures.url("lipstick-exif6.jpg").path,
                                             "--out", out.path, "--cutouts", cutouts.path, "--json"])
        #expect(result.status == 1, "one image failed")
        let reports = result.jsonLines
        #expect(reports.count == 2)
        let wall = try #require(reports.first { ($0["input"] as? String)?.hasSuffix("flat-wall.jpg") == true })
        #expect((wall["error"] as? [String: Any])?["code"] as? String == "qa_failed")
        #expect((wall["cutout"] as? [String: Any])?["qa_failed"] as? Bool == true)
        #expect(files(in: cutouts) == ["flat-wall.png", "lipstick-exif6.png"])
        let upright = try Pixels(decoding: Data(contentsOf: cutouts.appendingPathComponent("lipstick-exif6.png")))
        #expect(upright.width == 640 && upright.height == 800, "full resolution, upright")
        #expect(files(in: out).allSatisfy { $0.hasPrefix("lipstick-exif6/") })
    }

    @Test(arguments: [
        ("empty.jpg", Data(), "empty_input"),
        ("half.jpg", nil, "truncated_image"),
        ("prices.jpg", Data("sku,price\nmug,12\n".utf8), "unsupported_format"),
        ("bomb.png", CraftedFiles.pngHeader(width: 30_000, height: 30_000), "image_too_large"),
    ] as [(String, Data?, String)])
    func badInputGetsItsOwnCodeAndLeavesNothing(_ name: String, _ bytes: Data?, _ code: String) throws {
        let inputs = try Fixtures.scratchFolder(), out = try Fixtures.scratchFolder()
        let whole = try Fixtures.data("mug-wood.jpg")
        let input = inputs.appendingPathComponent(name)
        try (bytes ?? whole.prefix(whole.count / 2)).write(to: input)
        let result = try LightboxBinary.run(["process", input.path, "--out", out.path, "--json"])
        #expect(result.status == 1)
        let error = try #require(result.jsonLines.first?["error"] as? [String: Any])
        #expect(error["code"] as? String == code)
        #expect((error["message"] as? String)?.isEmpty == false)
        #expect(files(in: out).isEmpty, "no partial output")
    }

    @Test func unknownOptionValuesAreUsageErrors() throws {
        let out = try Fixtures.scratchFolder()
        let input = Fixtures.url("mug-wood.jpg").path
        let badValue = try LightboxBinary.run(["process", input, "--out", out.path, "--shadow", "dramatic"])
        #expect(badValue.status == 2)
        #expect(badValue.standardError.contains("invalid_option"))
        #expect(badValue.standardError.contains("Expected one of none, soft, hard, natural, floating for shadow"))
        let unknown = try LightboxBinary.run(["process", input, "--out", out.path, "--sparkle", "yes"])
        #expect(unknown.status == 2)
        #expect(unknown.standardError.contains("Unknown option '--sparkle'"))
        let missingOut = try LightboxBinary.run(["process", input])
        #expect(missingOut.status == 2)
        #expect(files(in: out).isEmpty)
    }

    @Test func helpListsThePipelineOptions() throws {
        let help = try LightboxBinary.run(["process", "--help"])
        #expect(help.status == 0)
        #expect(help.standardOutput.contains("--margin"))
        #expect(help.standardOutput.contains("--watermark-position"))
    }

    /// The fixes a scaled-out service keeps in its bucket apply to the CLI's render of the same photo.
    @Test func aFixKeptInAnS3BucketIsUsedByProcess() async throws {
        let location = TestS3.location(try await TestS3.freshBucket())
        let blobs = try await BlobStores.open(location, environment: TestS3.environment)
        let mug = Fixtures.examples.appendingPathComponent("kitchen-mug.jpg")
        try await blobs.put(Data("remove:0.723,0.6".utf8), at: BlobKeys.hints(MatteHints.key(for: try Data(contentsOf: mug))),
                            contentType: "text/plain")
        let out = try Fixtures.scratchFolder("s3-hints")
        let result = try await onThread {
            try LightboxBinary.run(["process", mug.path, "--out", out.path, "--hints", location, "--frame", "photo",
                                    "--background", "transparent", "--shadow", "none", "--format", "png", "--json"],
                                   environment: TestS3.environment)
        }
        #expect(result.status == 0, "\(result.standardError)")
        #expect((result.jsonLines.first?["notes"] as? [String])?.contains("applied 1 matte hint(s)") == true)
        let written = try #require((result.jsonLines.first?["outputs"] as? [[String: Any]])?.first?["path"] as? String)
        let pixels = try Pixels(decoding: Data(contentsOf: URL(fileURLWithPath: written)))
        #expect(pixels[Int(0.723 * Double(pixels.width)), Int(0.6 * Double(pixels.height)), 3] < 30, "the board is gone")
        let missing = try LightboxBinary.run(["process", mug.path, "--out", out.path, "--hints", "s3://no-such-bucket-lb?endpoint=\(TestS3.endpoint)"],
                                             environment: TestS3.environment)
        #expect(missing.status != 0 && missing.standardError.contains("no-such-bucket-lb"), "\(missing.standardError)")
    }
}

@Suite struct WorkerTests {
    @Test func twoWorkersWriteTheSameBytesAsOne() throws {
        let one = try Fixtures.scratchFolder(), two = try Fixtures.scratchFolder()
        let first = try LightboxBinary.run(["process", Fixtures.examples.path, "--out", one.path, "--workers", "1",
                                            "--format", "jpeg,webp,png", "--json"])
        let second = try LightboxBinary.run(["process", Fixtures.examples.path, "--out", two.path, "--workers", "2",
                                             "--format", "jpeg,webp,png", "--json"])
        #expect(first.status == 0 && second.status == 0)
        let names = { (folder: URL) in
            (FileManager.default.enumerator(atPath: folder.path)?.allObjects as? [String] ?? []).filter { $0.contains(".") }.sorted()
        }
        #expect(names(one).count == 15)
        #expect(names(one) == names(two))
        for name in names(one) {
            #expect(try Data(contentsOf: one.appendingPathComponent(name)) == Data(contentsOf: two.appendingPathComponent(name)), "\(name)")
        }
        // Reports come back in input order whatever finishes first.
        #expect(first.jsonLines.map { $0["input"] as? String } == second.jsonLines.map { $0["input"] as? String })
        #expect(second.jsonLines.allSatisfy { $0["backend"] as? String == "xnnpack" })
        #expect(second.standardError.contains("on xnnpack"))
    }
}
