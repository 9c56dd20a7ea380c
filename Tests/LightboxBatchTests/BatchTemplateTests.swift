import Foundation
import LightboxCore
@testable import LightboxBatch
import LightboxTestSupport
import Testing

@Suite struct BatchTemplateTests {
    func template(_ text: String, base: [(name: String, value: String)] = []) throws -> BatchTemplate {
        let folder = try Fixtures.scratchFolder("template")
        try Fixtures.data("lipstick-small.jpg").write(to: folder.appendingPathComponent("logo.jpg"))
        let file = folder.appendingPathComponent("brand.yaml")
        try text.write(to: file, atomically: true, encoding: .utf8)
        return try BatchTemplate(file: file, options: ProcessOptions.resolve(base))
    }

    let brand = """
        size: 1200x1200
        margin: 10
        background: "#f4f4f4"
        format: [avif, webp, jpeg]
        watermark: {text: ACME, opacity: 0.3, position: bottom-left}
        categories:
          Shoes: {background: wood-table, shadow: natural}
        stores:
          default: {}
          de:
            format: webp,jpeg
            watermark: {text: ACME.de}
            categories:
              Shoes: {margin: 6}
        """

    @Test func layersApplyTopThenCategoryThenStoreThenStoreCategory() throws {
        let specs = try template(brand)
        #expect(specs.stores == ["default", "de"])
        let plain = try specs.variant(store: "default", categories: ["Bags"]).options
        #expect(plain.canvas == PixelSize(width: 1200, height: 1200) && plain.marginPercent == 10)
        #expect(plain.formats == [.avif, .webp, .jpeg] && plain.watermark.text == "ACME" && plain.watermark.opacity == 0.3)
        #expect(plain.watermark.position == .bottomLeft && plain.background == .solid(RGBColour(hex: "#f4f4f4")!))
        let shoes = try specs.variant(store: "default", categories: ["Women/Shoes"]).options
        #expect(shoes.background == .scene(.woodTable) && shoes.shadow == .natural && shoes.marginPercent == 10)
        let germanShoes = try specs.variant(store: "de", categories: ["Shoes"]).options
        #expect(germanShoes.background == .scene(.woodTable) && germanShoes.marginPercent == 6)
        #expect(germanShoes.formats == [.webp, .jpeg] && germanShoes.watermark.text == "ACME.de")
        #expect(germanShoes.watermark.opacity == 0.3, "the top level's watermark fields stay")
    }

    @Test func fingerprintsChangeWithTheOptionsThatApply() throws {
        let specs = try template(brand)
        let bags = try specs.variant(store: "default", categories: ["Bags"])
        #expect(try specs.variant(store: "default", categories: ["Bags"]).fingerprint == bags.fingerprint)
        #expect(try specs.variant(store: "default", categories: ["Belts"]).fingerprint == bags.fingerprint)
        #expect(try specs.variant(store: "default", categories: ["Shoes"]).fingerprint != bags.fingerprint)
        #expect(try specs.variant(store: "de", categories: ["Bags"]).fingerprint != bags.fingerprint)
        let edited = try template(brand.replacingOccurrences(of: "margin: 10", with: "margin: 11"))
        #expect(try edited.variant(store: "default", categories: ["Bags"]).fingerprint != bags.fingerprint)
        let otherCommandLine = try template(brand, base: [(name: "jpeg-quality", value: "70")])
        #expect(try otherCommandLine.variant(store: "default", categories: ["Bags"]).fingerprint != bags.fingerprint)
    }

    @Test func aWatermarkImageIsReadRelativeToTheTemplateAndJoinsTheFingerprint() throws {
        let specs = try template("watermark: {image: logo.jpg, opacity: 0.5}\n")
        let variant = try specs.variant(store: "default", categories: [])
        #expect(variant.options.watermark.image == (try Fixtures.data("lipstick-small.jpg")))
        #expect(variant.fingerprint != (try template("watermark: {opacity: 0.5}\n").variant(store: "default", categories: [])).fingerprint)
    }

    @Test func jsonWorksToo() throws {
        let specs = try template(#"{"margin": 20, "stores": {"uk": {"format": "jpeg"}}}"#)
        #expect(specs.stores == ["uk"])
        let options = try specs.variant(store: "uk", categories: []).options
        #expect(options.marginPercent == 20 && options.formats == [.jpeg])
    }

    @Test func aBadTemplateFailsBeforeAnyWorkNamingWhere() throws {
        let cases: [(String, String)] = [
            ("margin: 80\n", "margin"),
            ("stores:\n  de:\n    categories:\n      Shoes: {size: huge}\n", "Shoes"),
            ("colour: red\n", "unknown option 'colour'"),
            ("watermark: {text: A, blink: true}\n", "blink"),
            ("stores:\n  \"../up\": {}\n", "../up"),
            ("model: other.onnx\n", "unknown option 'model'"),
            ("margin: [\n", "not valid YAML"),
        ]
        for (text, named) in cases {
            let error = #expect(throws: LightboxError.self) { try template(text) }
            #expect(error?.code == .invalidOption)
            #expect(error?.message.lowercased().contains(named.lowercased()) == true, "\(error?.message ?? "") names \(named)")
        }
    }

    @Test func theREADMEExampleLoadsAsWritten() throws {
        let readme = try String(contentsOf: Fixtures.repositoryRoot.appendingPathComponent("README.md"), encoding: .utf8)
        let start = try #require(readme.range(of: "```yaml\n# brand.yaml"))
        let body = readme[start.upperBound...]
        let end = try #require(body.range(of: "```"))
        let folder = try Fixtures.scratchFolder("template")
        try Fixtures.data("lipstick-small.jpg").write(to: folder.appendingPathComponent("outlet-badge.png"))
        let file = folder.appendingPathComponent("brand.yaml")
        try ("# brand.yaml" + body[..<end.lowerBound]).write(to: file, atomically: true, encoding: .utf8)
        let specs = try BatchTemplate(file: file, options: ProcessOptions())
        #expect(specs.stores == ["default", "de", "outlet"])
        let outletShoes = try specs.variant(store: "outlet", categories: ["Men/Shoes"]).options
        #expect(outletShoes.background == .solid(RGBColour(hex: "#f2f2f2")!) && outletShoes.shadow == .natural)
        #expect(outletShoes.formats == [.webp, .jpeg] && outletShoes.watermark.image != nil)
        #expect(try specs.variant(store: "de", categories: ["Shoes"]).options.marginPercent == 8)
    }
}
