import Foundation
import LightboxBatch
import LightboxCore
import LightboxTestSupport
import Testing

/// `lightbox batch` run as a user runs it, on real photos with the real model.
@Suite struct BatchCommandTests {
    static let twoStores = """
        size: 240x240
        format: jpeg
        stores:
          default:
            background: "#ffffff"
          de:
            background: "#204080"
            format: [avif, webp, jpeg]
            watermark: {text: ACME.de, opacity: 0.5}

        """

    func template(_ text: String, in folder: URL) throws -> URL {
        let url = folder.appendingPathComponent("brand.yaml")
        try text.write(to: url, atomically: true, encoding: .utf8)
        return url
    }

    func results(_ run: LightboxBinary.Result) -> [[String: Any]] { run.jsonLines.filter { $0["summary"] == nil } }
    func summary(_ run: LightboxBinary.Result) -> [String: Any] { run.jsonLines.last?["summary"] as? [String: Any] ?? [:] }

    @Test func thirtyPhotosInTwoStoreViews() throws {
        let work = try Fixtures.scratchFolder("batch")
        let photos = work.appendingPathComponent("photos"), out = work.appendingPathComponent("out")
        try CatalogueFixtures.photos(30, in: photos)
        let run = try LightboxBinary.run(["batch", photos.path, "--out", out.path, "--concurrency", "2",
                                          "--template", template(Self.twoStores, in: work).path])
        #expect(run.status == 0, "\(run.standardError)")
        let lines = results(run)
        #expect(lines.count == 60 && lines.allSatisfy { $0["status"] as? String == "processed" })
        #expect(summary(run)["processed"] as? Int == 60 && summary(run)["distinct_images"] as? Int == 30,
                "each photo read and segmented once for both store views")

        let files = CatalogueFixtures.files(in: out)
        for index in 1...30 {
            let sku = String(format: "SKU-%03d", index)
            #expect(files.filter { $0.hasPrefix("default/\(sku)/") }.map { URL(fileURLWithPath: $0).pathExtension } == ["jpg"])
            #expect(Set(files.filter { $0.hasPrefix("de/\(sku)/") }.map { URL(fileURLWithPath: $0).pathExtension })
                    == ["avif", "webp", "jpg"])
        }
        // Each store view's own background, at the template's size.
        let white = try VipsImage.decode(Data(contentsOf: out.appendingPathComponent(try #require(files.first { $0.hasPrefix("default/SKU-001/") }))))
        let blue = try VipsImage.decode(Data(contentsOf: out.appendingPathComponent(try #require(files.first { $0.hasPrefix("de/SKU-001/") && $0.hasSuffix(".jpg") }))))
        #expect(white.size == PixelSize(width: 240, height: 240) && blue.size == white.size)
        #expect(try Pixels(white).pixel(3, 3).allSatisfy { $0 > 245 })
        let corner = try Pixels(blue).pixel(3, 3)
        #expect(abs(corner[0] - 0x20) < 12 && abs(corner[1] - 0x40) < 12 && abs(corner[2] - 0x80) < 12)

        let manifest = try #require(JSONSerialization.jsonObject(with: Data(contentsOf: out.appendingPathComponent("manifest.json"))) as? [String: Any])
        let skus = try #require(manifest["skus"] as? [[String: Any]])
        #expect(skus.count == 30)
        let first = try #require(skus.first { $0["sku"] as? String == "SKU-001" })
        let stores = try #require(first["stores"] as? [String: [[String: Any]]])
        #expect(Set(stores.keys) == ["default", "de"])
        let german = try #require(stores["de"]?.first)
        let filesByFormat = try #require(german["files"] as? [String: String])
        #expect(Set(filesByFormat.keys) == ["avif", "webp", "jpeg"])
        #expect(filesByFormat.values.allSatisfy { files.contains($0) }, "manifest paths are the files written")
        let picture = try #require(german["picture"] as? String)
        #expect(picture.hasPrefix("<picture><source type=\"image/avif\" srcset=\"\(filesByFormat["avif"]!)\">"))
        #expect(picture.contains("<source type=\"image/webp\"") && picture.contains("<img src=\"\(filesByFormat["jpeg"]!)\" alt=\"SKU-001\""))
        let csv = try String(contentsOf: out.appendingPathComponent("manifest.csv"), encoding: .utf8)
        #expect(csv.split(separator: "\n").count == 61)

        let html = try String(contentsOf: out.appendingPathComponent("report.html"), encoding: .utf8)
        #expect((1...30).allSatisfy { html.contains(String(format: "SKU-%03d", $0)) })
        #expect(html.components(separatedBy: "<img src=\"report/").count - 1 == 120, "before and after for every row")
        let sheet = try VipsImage.decode(Data(contentsOf: out.appendingPathComponent("report.png")))
        #expect(sheet.height > 60 * 160, "one row per SKU and store view")
        let counts = try #require(JSONSerialization.jsonObject(with: Data(contentsOf: out.appendingPathComponent("report.json"))) as? [String: Any])
        #expect(counts["processed"] as? Int == 60)

        // A second run finds nothing to do.
        let again = try LightboxBinary.run(["batch", photos.path, "--out", out.path, "--template", work.appendingPathComponent("brand.yaml").path])
        #expect(again.status == 0)
        #expect((summary(again)["skipped"] as? [String: Int]) == ["unchanged": 60] && summary(again)["processed"] as? Int == 0)
        // Editing one store view's specs reprocesses that store view only.
        try template(Self.twoStores.replacingOccurrences(of: "#204080", with: "#802040"), in: work)
        let edited = try LightboxBinary.run(["batch", photos.path, "--out", out.path, "--template", work.appendingPathComponent("brand.yaml").path])
        #expect(Set(results(edited).filter { $0["status"] as? String == "processed" }.map { $0["store"] as? String }) == ["de"])
        #expect(summary(edited)["processed"] as? Int == 30)
        let reRendered = CatalogueFixtures.files(in: out.appendingPathComponent("de/SKU-001"))
        #expect(reRendered.count == 3 && !reRendered.contains { files.contains("de/SKU-001/" + $0) },
                "the new files replace the old ones: \(reRendered)")
        #expect(CatalogueFixtures.files(in: out.appendingPathComponent("default/SKU-001")).map { "default/SKU-001/" + $0 }
                == files.filter { $0.hasPrefix("default/SKU-001/") }, "the other store view is untouched")
    }

    @Test func aDryRunListsTheDecisionsAndWritesNothing() throws {
        let work = try Fixtures.scratchFolder("batch")
        let photos = work.appendingPathComponent("photos"), out = work.appendingPathComponent("out")
        try CatalogueFixtures.photos(4, in: photos)
        let run = try LightboxBinary.run(["batch", photos.path, "--out", out.path, "--dry-run", "--sku-pattern", "SKU-00[12]"])
        #expect(run.status == 0, "\(run.standardError)")
        #expect(!FileManager.default.fileExists(atPath: out.path), "nothing written, not even the folder")
        let lines = run.jsonLines.filter { $0["dry_run"] == nil }
        #expect(lines.map { "\($0["sku"]!) \($0["action"]!)" } == ["SKU-001 process", "SKU-002 process", "SKU-003 skip", "SKU-004 skip"])
        #expect(lines.last?["reason"] as? String == "sku_pattern")

        _ = try LightboxBinary.run(["batch", photos.path, "--out", out.path, "--limit", "1", "--size", "160x160"])
        let before = CatalogueFixtures.files(in: out)
        let after = try LightboxBinary.run(["batch", photos.path, "--out", out.path, "--dry-run", "--size", "160x160"])
        #expect(after.jsonLines.compactMap { $0["reason"] as? String } == ["unchanged"])
        #expect(CatalogueFixtures.files(in: out) == before, "a dry run over a batch changes none of its files")
    }

    @Test func filtersSelectBySinceLimitPatternAndCategory() throws {
        let work = try Fixtures.scratchFolder("batch")
        try CatalogueFixtures.photos(1, in: work) { _ in "a.jpg" }
        let manifest = work.appendingPathComponent("catalog.jsonl")
        try """
            {"sku": "MB-01", "image": "a.jpg", "category": "Gear/Bags", "updated_at": "2026-10-01"}
            {"sku": "MB-01", "image": "a.jpg", "category": "Gear/Bags", "updated_at": "2026-10-01"}
            {"sku": "WT-02", "image": "a.jpg", "category": "Women/Tops", "updated_at": "2026-11-15"}
            {"sku": "MB-03", "image": "a.jpg", "category": "Gear/Bags", "updated_at": "2026-11-20"}
            {"sku": "MS-04", "image": "a.jpg", "category": "Men/Shoes", "updated_at": "2026-11-25"}

            """.write(to: manifest, atomically: true, encoding: .utf8)
        func taken(_ flags: [String]) throws -> [String] {
            let run = try LightboxBinary.run(["batch", manifest.path, "--out", work.appendingPathComponent("out").path, "--dry-run"] + flags)
            #expect(run.status == 0, "\(run.standardError)")
            return run.jsonLines.filter { $0["action"] as? String == "process" }.compactMap { $0["sku"] as? String }
        }
        #expect(try taken(["--since", "2026-11-15"]) == ["WT-02", "MB-03", "MS-04"])
        #expect(try taken(["--limit", "2"]) == ["MB-01", "MB-01", "WT-02"], "the limit counts SKUs")
        #expect(try taken(["--sku-pattern", "M?-0*"]) == ["MB-01", "MB-01", "MB-03", "MS-04"])
        #expect(try taken(["--category", "bags"]) == ["MB-01", "MB-01", "MB-03"])
        #expect(try taken(["--category", "Bags", "--since", "2026-11-01", "--limit", "5"]) == ["MB-03"])
        let bad = try LightboxBinary.run(["batch", manifest.path, "--out", work.path, "--since", "last week"])
        #expect(bad.status == 2 && bad.standardError.contains("last week"))
    }

    @Test func aMagentoExportWithAdditionalImages() throws {
        let work = try Fixtures.scratchFolder("magento")
        let media = work.appendingPathComponent("pub/media/catalog/product")
        let names = ["m/b/mb01-black-0.jpg", "m/b/mb01-back.jpg", "m/b/mb01-side.jpg", "w/b/wb04-blue-0.jpg"]
        try CatalogueFixtures.photos(4, in: media) { names[$0] }
        let export = work.appendingPathComponent("catalog_product.csv")
        try """
            sku,store_view_code,name,categories,base_image,small_image,thumbnail_image,additional_images,updated_at
            24-MB01,,Joust Duffle Bag,Default Category/Gear/Bags,/m/b/mb01-black-0.jpg,/m/b/mb01-black-0.jpg,/m/b/mb01-black-0.jpg,"/m/b/mb01-black-0.jpg,/m/b/mb01-back.jpg,/m/b/mb01-side.jpg",11/30/26 8:15 AM
            24-MB01,de,Joust Reisetasche,,,,,,
            24-WB04,,Overnight Duffle,Default Category/Gear/Bags,/w/b/wb04-blue-0.jpg,/w/b/wb04-blue-0.jpg,,,11/29/26 9:00 AM

            """.write(to: export, atomically: true, encoding: .utf8)
        let out = work.appendingPathComponent("out")
        let run = try LightboxBinary.run(["batch", export.path, "--media-root", media.path, "--out", out.path,
                                          "--size", "200x200", "--format", "jpeg", "--category", "Bags"])
        #expect(run.status == 0, "\(run.standardError)")
        let files = CatalogueFixtures.files(in: out)
        #expect(files.filter { $0.hasPrefix("default/24-MB01/") }.count == 3, "base and both additional images")
        #expect(files.filter { $0.hasPrefix("default/24-WB04/") }.count == 1)
        let csv = try String(contentsOf: out.appendingPathComponent("manifest.csv"), encoding: .utf8)
        #expect(csv.contains("alt=\"\"Joust Duffle Bag\"\""), "alt text from the product name")
    }

    @Test func problemsArePerItemAndOriginalsAreKept() throws {
        let work = try Fixtures.scratchFolder("batch")
        let photos = try CatalogueFixtures.photos(2, in: work)
        let wall = try CatalogueFixtures.emptyWall(in: work, name: "wall.jpg")
        try Data(try Fixtures.data("mug-wood.jpg").prefix(900)).write(to: work.appendingPathComponent("cut.jpg"))
        let manifest = work.appendingPathComponent("catalog.csv")
        try """
            sku,image,label,skip
            A-1,\(photos[0].lastPathComponent),Bottle,
            B-2,\(photos[0].lastPathComponent),Same bottle,
            C-3,missing.jpg,,
            D-4,\(photos[1].lastPathComponent),Lipstick,yes
            E-5,wall.jpg,Wall,
            F-6,cut.jpg,,
            G-7,http://127.0.0.1:9/x.jpg,,

            """.write(to: manifest, atomically: true, encoding: .utf8)
        let out = work.appendingPathComponent("out")
        let run = try LightboxBinary.run(["batch", manifest.path, "--out", out.path, "--size", "200x200", "--format", "jpeg"])
        #expect(run.status == 1, "some items failed: \(run.standardError)")
        let bySKU = Dictionary(uniqueKeysWithValues: results(run).map { ($0["sku"] as! String, $0) })
        func outcome(_ sku: String) -> String { "\(bySKU[sku]?["status"] ?? "-") \(bySKU[sku]?["reason"] ?? "-")" }
        #expect(outcome("A-1") == "processed -" && outcome("B-2") == "processed -")
        #expect(outcome("C-3") == "failed input_unreadable")
        #expect(outcome("D-4") == "kept_original skip_flag" && outcome("E-5") == "kept_original qa_failed")
        #expect(["failed truncated_image", "failed corrupt_image"].contains(outcome("F-6")))
        #expect(outcome("G-7") == "failed url_forbidden")
        #expect(summary(run)["distinct_images"] as? Int == 4, "A-1 and B-2 share one read and one segmentation")

        let files = CatalogueFixtures.files(in: out)
        let a = try #require(files.first { $0.hasPrefix("default/A-1/") }), b = try #require(files.first { $0.hasPrefix("default/B-2/") })
        #expect(URL(fileURLWithPath: a).lastPathComponent == URL(fileURLWithPath: b).lastPathComponent)
        let keptSkip = try #require(files.first { $0.hasPrefix("default/D-4/") })
        #expect(try Data(contentsOf: out.appendingPathComponent(keptSkip)) == Data(contentsOf: photos[1]), "the original, byte for byte")
        let keptWall = try #require(files.first { $0.hasPrefix("default/E-5/") })
        #expect(try Data(contentsOf: out.appendingPathComponent(keptWall)) == Data(contentsOf: wall))
        #expect(!files.contains { $0.hasPrefix("default/C-3/") || $0.hasPrefix("default/F-6/") })

        let report = try #require(JSONSerialization.jsonObject(with: Data(contentsOf: out.appendingPathComponent("report.json"))) as? [String: Any])
        #expect(report["processed"] as? Int == 2)
        #expect(report["kept_original"] as? [String: Int] == ["skip_flag": 1, "qa_failed": 1])
        #expect((report["failed"] as? [String: Int])?.values.reduce(0, +) == 3)
        let html = try String(contentsOf: out.appendingPathComponent("report.html"), encoding: .utf8)
        #expect(html.contains("failed: input_unreadable") && html.contains("kept original: qa_failed"))
        let csv = try String(contentsOf: out.appendingPathComponent("manifest.csv"), encoding: .utf8)
        #expect(csv.contains("D-4") && csv.contains("kept_original") && !csv.contains("C-3"))

        // The failures are tried again; what succeeded is not.
        let again = try LightboxBinary.run(["batch", manifest.path, "--out", out.path, "--size", "200x200", "--format", "jpeg"])
        #expect((summary(again)["skipped"] as? [String: Int]) == ["unchanged": 4])
        #expect((summary(again)["failed"] as? [String: Int])?.values.reduce(0, +) == 3)
    }

    /// A fix made in the review queue (a `hints/<sha256>.txt` in the service's folder) applies
    /// to the same photo in a batch, and a batch run after the fix, or after it is removed,
    /// renders again rather than taking the earlier files as unchanged.
    @Test func aPersonsFixAppliesToTheSamePhotoInABatch() throws {
        let work = try Fixtures.scratchFolder("batch-hints")
        let photos = work.appendingPathComponent("photos"), out = work.appendingPathComponent("out")
        let service = work.appendingPathComponent("service")
        try FileManager.default.createDirectory(at: photos, withIntermediateDirectories: true)
        let mug = Fixtures.examples.appendingPathComponent("kitchen-mug.jpg")
        try FileManager.default.copyItem(at: mug, to: photos.appendingPathComponent("kitchen-mug.jpg"))
        let arguments = ["batch", photos.path, "--out", out.path, "--hints", service.path, "--frame", "photo",
                         "--background", "transparent", "--shadow", "none", "--format", "png", "--photo-megapixels", "1"]
        func boardAlpha() throws -> Int {
            let file = try #require(CatalogueFixtures.files(in: out).first { $0.hasPrefix("default/kitchen-mug/") && $0.hasSuffix(".png") })
            let pixels = try Pixels(decoding: Data(contentsOf: out.appendingPathComponent(file)))
            return Int(pixels[Int(0.723 * Double(pixels.width)), Int(0.6 * Double(pixels.height)), 3])
        }
        let plain = try LightboxBinary.run(arguments)
        #expect(plain.status == 0 && summary(plain)["processed"] as? Int == 1, "\(plain.standardError)")
        #expect(try boardAlpha() > 200, "the model keeps the board")

        let hint = service.appendingPathComponent("hints/\(MatteHints.key(for: try Data(contentsOf: mug))).txt")
        try FileManager.default.createDirectory(at: hint.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data("remove:0.723,0.6".utf8).write(to: hint)
        let fixed = try LightboxBinary.run(arguments)
        #expect(fixed.status == 0 && summary(fixed)["processed"] as? Int == 1, "a fix is a new render: \(summary(fixed))")
        #expect(try boardAlpha() < 30, "the board is gone")
        let again = try LightboxBinary.run(arguments)
        #expect((summary(again)["skipped"] as? [String: Int]) == ["unchanged": 1])

        try FileManager.default.removeItem(at: hint)
        let unfixed = try LightboxBinary.run(arguments)
        let board = try boardAlpha()
        #expect(summary(unfixed)["processed"] as? Int == 1 && board > 200, "without the fix, the board again")
    }

    /// Synchronous on purpose: its own thread watches the batch, whatever the other tests
    /// keep Swift's cooperative threads busy with.
    @Test func aKilledBatchContinuesWithExactlyTheRest() throws {
        let work = try Fixtures.scratchFolder("batch")
        let photos = work.appendingPathComponent("photos"), out = work.appendingPathComponent("out")
        try CatalogueFixtures.photos(12, in: photos)
        let arguments = ["batch", photos.path, "--out", out.path, "--concurrency", "1", "--size", "200x200", "--format", "jpeg"]
        func recorded() throws -> Set<String> {
            Set(try BatchLedger(readingFrom: out)?.allEntries().filter { $0.status == .processed }.map(\.sku) ?? [])
        }
        func interrupted(with signal: Int32, after count: Int) throws -> Set<String> {
            let batch = try RunningLightbox(arguments)
            let deadline = Date() + 120
            // Files land just before their ledger row; either is progress enough to stop at.
            while Date() < deadline, CatalogueFixtures.files(in: out.appendingPathComponent("default")).count < count,
                  batch.isRunning {
                Thread.sleep(forTimeInterval: 0.01)
            }
            batch.kill(signal)
            let status = batch.waitForExit()
            if signal == SIGTERM { #expect(status == 130, "a clean stop says it was interrupted") }
            return try recorded()
        }
        let afterKill = try interrupted(with: SIGKILL, after: 3)
        #expect((2..<12).contains(afterKill.count), "killed mid-way: \(afterKill.count) done")
        let afterTerm = try interrupted(with: SIGTERM, after: afterKill.count + 3)
        #expect(afterTerm.isSuperset(of: afterKill) && afterTerm.count < 12)
        #expect(FileManager.default.fileExists(atPath: out.appendingPathComponent("report.html").path),
                "a clean stop still writes the reports")

        let last = try LightboxBinary.run(arguments)
        #expect(last.status == 0, "\(last.standardError)")
        let processed = Set(results(last).filter { $0["status"] as? String == "processed" }.compactMap { $0["sku"] as? String })
        #expect(processed.count == 12 - afterTerm.count && processed.isDisjoint(with: afterTerm), "exactly the rest")
        #expect(try recorded().count == 12)
        #expect(CatalogueFixtures.files(in: out.appendingPathComponent("default")).count == 12, "one output each, none twice")
    }
}
