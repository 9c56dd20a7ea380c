import Foundation
import LightboxBatch
import LightboxTestSupport
import SwiftCSV
import Testing

/// Export → batch → import: `lightbox batch EXPORT --magento-import FILE --magento-media DIR`
/// on a Magento product export, read back as Magento's importer would read it.
@Suite struct MagentoImportTests {
    @Test func aMagentoExportRoundTripsIntoAnImportFileNamingFilesThatExist() throws {
        let work = try Fixtures.scratchFolder("magento-import")
        let media = work.appendingPathComponent("pub/media/catalog/product")
        let names = ["m/b/mb01-black-0.jpg", "m/b/mb01-back.jpg", "m/b/mb01-side.jpg", "w/b/wb04-blue-0.jpg"]
        try CatalogueFixtures.photos(4, in: media) { names[$0] }
        _ = try CatalogueFixtures.emptyWall(in: media.appendingPathComponent("w/b"), name: "wb04-wall.jpg")
        try Data("not a photo".utf8).write(to: media.appendingPathComponent("m/b/mb01-broken.jpg"))
        let export = work.appendingPathComponent("catalog_product.csv")
        try """
            sku,store_view_code,name,categories,base_image,small_image,thumbnail_image,swatch_image,additional_images,updated_at
            24-MB01,,"Joust Duffle Bag, black",Default Category/Gear/Bags,/m/b/mb01-black-0.jpg,/m/b/mb01-black-0.jpg,/m/b/mb01-black-0.jpg,/m/b/mb01-black-0.jpg,"/m/b/mb01-black-0.jpg,/m/b/mb01-back.jpg,/m/b/mb01-side.jpg,/m/b/mb01-broken.jpg",11/30/26 8:15 AM
            24-MB01,de,Joust Reisetasche,,,,,,,
            24-WB04,,Overnight Duffle,Default Category/Gear/Bags,/w/b/wb04-blue-0.jpg,/w/b/wb04-blue-0.jpg,,,/w/b/wb04-wall.jpg,11/29/26 9:00 AM

            """.write(to: export, atomically: true, encoding: .utf8)
        let out = work.appendingPathComponent("out"), importFile = work.appendingPathComponent("import/products.csv")
        let importImages = work.appendingPathComponent("var/import/images")
        let command = ["batch", export.path, "--media-root", media.path, "--out", out.path, "--size", "200x200",
                       "--format", "jpeg,webp", "--magento-import", importFile.path, "--magento-media", importImages.path]
        let first = try LightboxBinary.run(command)
        #expect(first.status == 1, "the broken photo fails, the rest is done: \(first.standardError)")

        let table = try Self.rows(importFile)
        #expect(table.first == MagentoImport.columns)
        let rows = table.dropFirst().map { Dictionary(uniqueKeysWithValues: zip(MagentoImport.columns, $0)) }
        #expect(rows.map { $0["sku"] } == ["24-MB01", "24-WB04"] && rows.allSatisfy { $0["store_view_code"] == "" })
        let bag = try #require(rows.first), duffle = try #require(rows.last)
        let base = try #require(bag["base_image"])
        #expect(base.hasPrefix("lightbox/") && base.hasSuffix(".jpg"))
        #expect([bag["small_image"], bag["thumbnail_image"], bag["swatch_image"]] == [base, base, base])
        let additional = bag["additional_images"]?.split(separator: ",").map(String.init) ?? []
        #expect(additional.count == 2 && !additional.contains(base), "the back and the side; the broken one is left out")
        #expect(bag["base_image_label"] == "Joust Duffle Bag, black" && bag["thumbnail_image_label"] == "Joust Duffle Bag, black")
        #expect(bag["additional_image_labels"] == "Joust Duffle Bag  black,Joust Duffle Bag  black", "no commas inside a label")
        #expect(duffle["base_image"] == duffle["small_image"] && duffle["thumbnail_image"] == "" && duffle["swatch_image"] == "",
                "roles the export left empty stay empty")
        #expect(duffle["additional_images"] == "", "the wall photo kept its original and is left out")

        // Every file the CSV names is in the import folder, readable by the web server, and is the batch's JPEG.
        var named: [String] = []
        for row in rows {
            let roles: [String] = ["base_image", "small_image", "thumbnail_image", "swatch_image"].compactMap { row[$0] }
            let additional: [String] = (row["additional_images"] ?? "").split(separator: ",").map(String.init)
            named += roles.filter { !$0.isEmpty } + additional
        }
        let outputs = Set(CatalogueFixtures.files(in: out).filter { $0.hasSuffix(".jpg") }.map { URL(fileURLWithPath: $0).lastPathComponent })
        for path in Set(named) {
            let file = importImages.appendingPathComponent(path)
            let mode = try FileManager.default.attributesOfItem(atPath: file.path)[.posixPermissions] as? Int
            #expect(mode == 0o644, "\(path) is a+r")
            #expect(outputs.contains(file.lastPathComponent), "\(path) is one of the batch's outputs")
        }
        #expect(Set(named).count == 4 && CatalogueFixtures.files(in: importImages).count == 4)

        let report = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: out.appendingPathComponent("report.json")))
            as? [String: Any])
        let magento = try #require(report["magento_import"] as? [String: Any])
        let leftOut = (magento["left_out"] as? [[String: Any]] ?? []).map { "\($0["sku"] ?? "") \($0["status"] ?? "")" }.sorted()
        #expect(leftOut == ["24-MB01 failed", "24-WB04 kept_original"], "\(magento)")
        #expect(magento["rows"] as? Int == 2 && magento["files"] as? Int == 4)

        // Nothing changed: the next run's import has no rows, and the files stay as they were.
        let before = try Self.modificationDates(importImages)
        let second = try LightboxBinary.run(command)
        #expect(second.status == 1, "the broken photo fails again: \(second.standardError)")
        #expect(try Self.rows(importFile) == [MagentoImport.columns])
        #expect(try Self.modificationDates(importImages) == before)
    }

    /// The header and rows, as an RFC 4180 reader sees them (quoted fields hold commas).
    static func rows(_ file: URL) throws -> [[String]] {
        let csv = try CSV<Enumerated>(url: file, delimiter: .comma)
        return [csv.header] + csv.rows
    }

    static func modificationDates(_ folder: URL) throws -> [String: Date] {
        Dictionary(uniqueKeysWithValues: try CatalogueFixtures.files(in: folder).map { path in
            (path, try FileManager.default.attributesOfItem(atPath: folder.appendingPathComponent(path).path)[.modificationDate] as? Date ?? .distantPast)
        })
    }
}
