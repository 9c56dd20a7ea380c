import Foundation
import LightboxTestSupport
import Testing

@Suite struct PresetsCommandTests {
    @Test func listsEveryPresetWithItsDescription() throws {
        let result = try LightboxBinary.run(["presets"])
        #expect(result.status == 0, "\(result.standardError)")
        let lines = result.standardOutput.split(separator: "\n")
        let names = ["white-studio", "gradient-light", "marble", "outdoor", "wood-table", "concrete", "linen", "pastel",
                     "custom"]
        #expect(lines.count == names.count)
        for (line, name) in zip(lines, names) { #expect(line.hasPrefix(name + " ") && line.count > name.count + 20) }
        #expect(lines.first { $0.hasPrefix("marble") }?.contains("stands on the floor") == true)
    }

    @Test func rendersEachPresetAsAPNGAtCanvasSize() throws {
        let folder = try Fixtures.scratchFolder()
        let result = try LightboxBinary.run(["presets", "--render", folder.path, "--size", "64x48"])
        #expect(result.status == 0, "\(result.standardError)")
        let marble = try Pixels(decoding: Data(contentsOf: folder.appendingPathComponent("marble.png")))
        #expect(marble.width == 64 && marble.height == 48 && marble.bands == 3)
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).count == 8)
    }
}

@Suite struct PresetSheetCommandTests {
    @Test func drawsTheProductOverEveryPresetAndShadowAsAGrid() throws {
        let file = try Fixtures.scratchFolder().appendingPathComponent("sheet.png")
        let result = try LightboxBinary.run(["presets", "--sheet", file.path, "--image",
                                             Fixtures.url("lipstick-small.jpg").path, "--size", "96x96"])
        #expect(result.status == 0, "\(result.standardError)")
        let sheet = try Pixels(decoding: Data(contentsOf: file))
        // A 150-pixel label column and a 28-pixel label row, then 96-pixel tiles 8 apart:
        // 5 shadow columns × 8 preset rows.
        #expect(sheet.width == 150 + 5 * 104 + 8 && sheet.height == 28 + 8 * 104 + 8)
        let tile = { (row: Int, column: Int) in (x: 150 + column * 104, y: 28 + row * 104) }
        let whiteStudio = tile(0, 0), outdoor = tile(3, 4)
        #expect(sheet.pixel(whiteStudio.x + 2, whiteStudio.y + 2).allSatisfy { $0 >= 240 })
        #expect(sheet.pixel(outdoor.x + 2, outdoor.y + 90).allSatisfy { $0 < 200 }, "outdoor's greens at the bottom")
        // The product is in the middle of every tile, not the background.
        for row in 0..<8 {
            let origin = tile(row, 2)
            let centre = sheet.pixel(origin.x + 48, origin.y + 48), corner = sheet.pixel(origin.x + 2, origin.y + 2)
            #expect(zip(centre, corner).map { abs($0 - $1) }.max() ?? 0 > 40, "row \(row): \(centre) vs \(corner)")
        }
        // Labels: dark text in the label column beside the first row.
        let labelInk = (0..<140).flatMap { x in (28..<132).map { sheet[x, $0] } }.min() ?? 255
        #expect(labelInk < 100)
    }

    @Test func theSheetNeedsAPhoto() throws {
        let result = try LightboxBinary.run(["presets", "--sheet", "/tmp/never.png"])
        #expect(result.status == 2)
        #expect(result.standardError.contains("--image"))
    }
}
