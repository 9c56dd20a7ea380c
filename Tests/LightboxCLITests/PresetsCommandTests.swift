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
