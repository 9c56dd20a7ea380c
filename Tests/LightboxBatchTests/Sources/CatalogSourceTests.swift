import Foundation
@testable import LightboxBatch
import LightboxTestSupport
import Testing

@Suite struct CatalogSourceTests {
    func write(_ text: String, _ name: String, in folder: URL) throws -> URL {
        let url = folder.appendingPathComponent(name)
        try text.write(to: url, atomically: true, encoding: .utf8)
        return url
    }

    @Test func aFolderGivesOneItemPerImageWithTheSKUFromTheFileName() throws {
        let folder = try Fixtures.scratchFolder("source")
        try CatalogueFixtures.photos(3, in: folder)
        try Data("not an image".utf8).write(to: folder.appendingPathComponent("notes.txt"))
        let items = try CatalogSource.items(from: folder.path)
        #expect(items.map(\.sku) == ["SKU-001", "SKU-002", "SKU-003"])
        #expect(items.allSatisfy { $0.updatedAt != nil }, "a file's modification time stands for updated_at")
    }

    @Test func skuFromReadsTheSKUAndCategoryOutOfTheLayout() throws {
        let folder = try Fixtures.scratchFolder("source")
        try CatalogueFixtures.photos(4, in: folder) { ["Bags/MB-01/1.jpg", "Bags/MB-01/2.jpg", "Shoes/SH-7/front.jpg", "loose.jpg"][$0] }
        let items = try CatalogSource.items(from: folder.path, settings: .init(skuFrom: "{category}/{sku}/*"))
        #expect(items.map(\.sku) == ["MB-01", "MB-01", "SH-7"], "a file outside the layout is not part of the batch")
        #expect(items.map(\.categories) == [["Bags"], ["Bags"], ["Shoes"]])
        let bare = try CatalogSource.items(from: folder.path, settings: .init(skuFrom: "*/{sku}"))
        #expect(bare.map(\.sku) == ["MB-01", "MB-01", "SH-7"], "a pattern naming folders takes the files inside")
        #expect(throws: SourceError.self) { try SKUPattern("*/*") }
    }

    @Test func aCSVManifestReadsEveryColumn() throws {
        let folder = try Fixtures.scratchFolder("source")
        try CatalogueFixtures.photos(1, in: folder.appendingPathComponent("img")) { _ in "a.jpg" }
        let csv = try write("""
            SKU,image,label,category,store,updated_at,skip
            MB-01,img/a.jpg,"Joust Duffle Bag, black","Gear/Bags,Sale",,2026-11-30,
            MB-02,https://cdn.example.com/b.jpg,,,de,2026-11-30T08:15:00Z,yes

            """, "catalog.csv", in: folder)
        let items = try CatalogSource.items(from: csv.path)
        #expect(items.count == 2)
        #expect(items[0].image == .file(folder.appendingPathComponent("img/a.jpg")))
        #expect(items[0].label == "Joust Duffle Bag, black" && items[0].categories == ["Gear/Bags", "Sale"])
        #expect(items[0].store == nil && !items[0].skip && items[0].updatedAt != nil)
        #expect(items[1].image == .remote("https://cdn.example.com/b.jpg") && items[1].store == "de" && items[1].skip)
    }

    @Test func aJSONLManifestReadsTheSameFields() throws {
        let folder = try Fixtures.scratchFolder("source")
        let jsonl = try write("""
            {"sku": "MB-01", "image": "a.jpg", "label": "Bag", "category": ["Gear", "Sale"], "skip": false}
            {"sku": "MB-02", "image": "/srv/b.png", "skip": true, "updated_at": "2026-11-30"}

            """, "catalog.jsonl", in: folder)
        let items = try CatalogSource.items(from: jsonl.path)
        #expect(items.map(\.sku) == ["MB-01", "MB-02"] && items[0].categories == ["Gear", "Sale"])
        #expect(items[1].image == .file(URL(fileURLWithPath: "/srv/b.png")) && items[1].skip)
    }

    @Test func aManifestMissingAColumnOrWithABadDateIsRefusedNamingIt() throws {
        let folder = try Fixtures.scratchFolder("source")
        let noImage = try write("sku,label\nA,B\n", "a.csv", in: folder)
        #expect { try CatalogSource.items(from: noImage.path) } throws: { "\($0)".contains("'image'") }
        let badDate = try write("sku,image,updated_at\nA,a.jpg,yesterday\n", "b.csv", in: folder)
        #expect { try CatalogSource.items(from: badDate.path) } throws: { "\($0)".contains("yesterday") }
        let badLine = try write("{\"sku\": \"A\", \"image\": \"a.jpg\"}\nnot json\n", "c.jsonl", in: folder)
        #expect { try CatalogSource.items(from: badLine.path) } throws: { "\($0)".contains("Line 2") }
    }

    @Test func aMagentoExportListsEachSKUsImagesOnceBaseFirst() throws {
        let folder = try Fixtures.scratchFolder("magento")
        let export = try write("""
            sku,store_view_code,name,categories,base_image,small_image,thumbnail_image,additional_images,updated_at
            24-MB01,,Joust Duffle Bag,"Default Category/Gear,Default Category/Gear/Bags",/m/b/mb01-black-0.jpg,/m/b/mb01-black-0.jpg,/m/b/mb01-black-0.jpg,"/m/b/mb01-black-0.jpg,/m/b/mb01-back.jpg",11/30/26 8:15 AM
            24-MB01,de,Joust Reisetasche,,,,,,
            24-WB04,,Overnight Duffle,Default Category/Gear/Bags,/w/b/wb04-blue-0.jpg,no_selection,,,
            24-XX,,No images,,,,,,

            """, "catalog_product.csv", in: folder)
        let media = folder.appendingPathComponent("pub/media/catalog/product")
        let items = try CatalogSource.items(from: export.path, settings: .init(mediaRoot: media))
        #expect(items.map(\.sku) == ["24-MB01", "24-MB01", "24-WB04"])
        #expect(items.map(\.image) == [.file(media.appendingPathComponent("m/b/mb01-black-0.jpg")),
                                       .file(media.appendingPathComponent("m/b/mb01-back.jpg")),
                                       .file(media.appendingPathComponent("w/b/wb04-blue-0.jpg"))])
        #expect(items[0].categories == ["Gear", "Gear/Bags"] && items[0].label == "Joust Duffle Bag")
        #expect(items[0].updatedAt == CatalogDate.parse("2026-11-30T08:15:00Z"))
        #expect { try CatalogSource.items(from: export.path) } throws: { "\($0)".contains("--media-root") }
    }
}
