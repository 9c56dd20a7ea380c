import Foundation
import LightboxTestSupport
import Testing

@testable import LightboxCore

@Suite struct ScenePresetTests {
    static let size = PixelSize(width: 480, height: 480)
    static let seeded: [ScenePreset] = [.marble, .outdoor, .woodTable, .concrete, .linen, .pastel]

    private func render(_ preset: ScenePreset, seed: UInt64 = 1) throws -> Pixels {
        try Pixels(BackgroundSpec.scene(preset).renderer(seed: seed).render(size: Self.size))
    }

    /// Brightness (mean of the bands) of every pixel in rows `rows`.
    private func luma(_ pixels: Pixels, rows: Range<Int>) -> [Double] {
        rows.flatMap { y in (0..<pixels.width).map { x in Double(pixels.pixel(x, y).reduce(0, +)) / 3 } }
    }

    @Test(arguments: ScenePreset.allCases)
    func sameSeedSamePixels(preset: ScenePreset) throws {
        let first = try render(preset), second = try render(preset)
        #expect(first.values == second.values)
        #expect(first.width == Self.size.width && first.height == Self.size.height && first.bands == 3)
    }

    @Test(arguments: seeded)
    func differentSeedsDiffer(preset: ScenePreset) throws {
        let one = try render(preset, seed: 1), other = try render(preset, seed: 2)
        let changed = zip(one.values, other.values).filter { abs(Int($0) - Int($1)) > 2 }.count
        #expect(changed > one.values.count / 100, "\(preset): \(changed) values changed")
    }

    @Test func whiteStudioIsNearWhite() throws {
        let pixels = try render(.whiteStudio)
        let near = (0..<pixels.height).flatMap { y in (0..<pixels.width).map { pixels.pixel($0, y) } }
            .filter { $0.allSatisfy { $0 >= 240 } }.count
        #expect(Double(near) >= 0.95 * Double(Self.size.pixelCount))
        // The falloff is there, but barely: the bottom row is darker than the top by a few levels.
        let top = luma(pixels, rows: 0..<1).reduce(0, +) / Double(pixels.width)
        let bottom = luma(pixels, rows: pixels.height - 1..<pixels.height).reduce(0, +) / Double(pixels.width)
        #expect(top - bottom > 2 && top - bottom < 15)
    }

    @Test func gradientLightDarkensMonotonicallyDownward() throws {
        let pixels = try render(.gradientLight)
        let rows = (0..<pixels.height).map { y in luma(pixels, rows: y..<y + 1).reduce(0, +) / Double(pixels.width) }
        #expect(zip(rows, rows.dropFirst()).allSatisfy { $0 >= $1 })
        #expect(rows[0] > 250 && rows[rows.count - 1] < 235)
    }

    @Test func marbleIsBrightWithVisibleVeins() throws {
        let pixels = try render(.marble)
        let floor = luma(pixels, rows: Int(Double(pixels.height) * 0.7)..<pixels.height).sorted()
        let median = floor[floor.count / 2], darkest = floor[floor.count / 200]
        #expect(median > 215, "bright stone")
        #expect(median - darkest > 30, "veins: the darkest 0.5% is \(median - darkest) levels below the median")
    }

    @Test func outdoorHoldsLittleFineDetail() throws {
        let pixels = try render(.outdoor)
        // Mean absolute difference between horizontal neighbours, against concrete's grain.
        func roughness(_ image: Pixels) -> Double {
            var total = 0.0
            for y in 0..<image.height { for x in 1..<image.width { total += abs(Double(image[x, y, 1]) - Double(image[x - 1, y, 1])) } }
            return total / Double(image.height * (image.width - 1))
        }
        #expect(roughness(pixels) < 0.6)
        #expect(try roughness(render(.linen)) > 2, "the comparison can see fine texture")
    }

    @Test func floorScenesStandTheProductOnTheFloorLine() throws {
        for preset in ScenePreset.allCases {
            let layout = Fit.layout(product: PixelSize(width: 300, height: 900), canvas: Self.size, marginPercent: 12,
                                    alignment: .center, floorLine: preset.floorLine)
            if let floorLine = preset.floorLine {
                #expect(layout.y + layout.height == Int((floorLine * Double(Self.size.height)).rounded()))
                #expect(layout.y >= Int(0.12 * Double(Self.size.height)) - 1, "stays below the top margin")
            } else {
                #expect(abs((layout.y + layout.height / 2) - Self.size.height / 2) <= 1)
            }
        }
    }

    @Test func aProductOnMarbleEndsAtTheFloorLine() throws {
        let options = [("background", "marble"), ("shadow", "none"), ("format", "png"), ("size", "600x600")]
        let outcome = try TestEngine.run(Fixtures.data("bottle-exif8.jpg"), options)
        let shot = try Pixels(decoding: outcome.outputs[0].data)
        let scene = try Pixels(BackgroundSpec.scene(.marble).renderer(seed: 1).render(size: PixelSize(width: 600, height: 600)))
        // The lowest row where the shot differs strongly from the bare scene: the product's base
        // (the contact shadow is softer than this threshold).
        let changedRows = (0..<600).filter { y in (0..<600).contains { x in
            zip(shot.pixel(x, y), scene.pixel(x, y)).contains { abs($0 - $1) > 90 }
        } }
        let floorY = Int(FloorScene.floorLine * 600)
        #expect(abs((changedRows.max() ?? 0) - floorY) <= 3, "base at \(changedRows.max() ?? 0), floor at \(floorY)")
    }
}
