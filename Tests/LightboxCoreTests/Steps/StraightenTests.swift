import Foundation
import LightboxTestSupport
import Testing

@testable import LightboxCore

@Suite struct StraightenTests {
    /// A bottle's silhouette (a body and a neck), turned `degrees` clockwise about the frame's centre.
    private func bottle(tilted degrees: Double) throws -> VipsImage {
        let size = PixelSize(width: 500, height: 640)
        let (cx, cy) = (250.0, 320.0), radians = degrees * .pi / 180
        var values = [UInt8](repeating: 0, count: size.pixelCount)
        for y in 0..<size.height {
            for x in 0..<size.width {
                // Back into the upright bottle's frame.
                let dx = Double(x) - cx, dy = Double(y) - cy
                let ux = cos(radians) * dx + sin(radians) * dy, uy = -sin(radians) * dx + cos(radians) * dy
                let body = abs(ux) <= 60 && (-80...190).contains(uy)
                let neck = abs(ux) <= 20 && (-170 ... -80).contains(uy)
                if body || neck { values[y * size.width + x] = 255 }
            }
        }
        return try VipsImage.fromPixels(values, size: size, bands: 1, format: .uchar)
    }

    private func disc(radius: Double) throws -> VipsImage {
        let size = PixelSize(width: 400, height: 400)
        let values = (0..<size.pixelCount).map { index -> UInt8 in
            let dx = Double(index % 400) - 200, dy = Double(index / 400) - 200
            return dx * dx + dy * dy <= radius * radius ? 255 : 0
        }
        return try VipsImage.fromPixels(values, size: size, bands: 1, format: .uchar)
    }

    private func straightened(_ matte: VipsImage) throws -> PipelineContext {
        var options = ProcessOptions()
        options.straighten = true
        var context = PipelineContext(input: Data(), options: options, services: TestEngine.services)
        context.matte = matte
        context.foreground = try VipsImage.solid(matte.size, colour: [40, 160, 90]).tagged(.srgb)
        try Straighten().run(&context)
        return context
    }

    /// The body's left edge, fitted by least squares over its middle rows: degrees from vertical,
    /// positive when the bottle leans clockwise. Independent of the step's own estimate.
    private func leftEdgeLean(_ matte: VipsImage) throws -> Double {
        let pixels = try Pixels(matte)
        let box = try #require(pixels.boundingBox { x, y in pixels[x, y] > 127 })
        var points: [(x: Double, y: Double)] = []
        for y in stride(from: box.y + box.height / 2, to: box.y + box.height * 4 / 5, by: 2) {
            if let x = (0..<pixels.width).first(where: { pixels[$0, y] > 127 }) { points.append((Double(x), Double(y))) }
        }
        let meanX = points.map(\.x).reduce(0, +) / Double(points.count)
        let meanY = points.map(\.y).reduce(0, +) / Double(points.count)
        let slope = points.map { ($0.x - meanX) * ($0.y - meanY) }.reduce(0, +)
            / points.map { ($0.y - meanY) * ($0.y - meanY) }.reduce(0, +)
        return -atan(slope) * 180 / .pi
    }

    @Test(arguments: [7.0, -7.0, 12.0])
    func aTiltedBottleComesOutVertical(_ degrees: Double) throws {
        let tilted = try bottle(tilted: degrees)
        #expect(abs(try leftEdgeLean(tilted) - degrees) < 1, "the measure itself must see the tilt")
        let context = try straightened(tilted)
        let matte = try #require(context.matte)
        let lean = try leftEdgeLean(matte)
        #expect(abs(lean) < 1, "lean \(lean)° after straightening \(degrees)°")
        #expect(context.notes.contains { $0.hasPrefix("straightened by") })
        #expect(try #require(context.foreground).size == matte.size)
    }

    @Test func aRoundCompactIsLeftAlone() throws {
        let compact = try disc(radius: 150)
        let context = try straightened(compact)
        let matte = try #require(context.matte)
        #expect(try Pixels(matte).values == Pixels(compact).values)
        #expect(context.notes.contains { $0.contains("no clear edge direction") })
    }

    @Test func aTaperedMugStandingStraightIsLeftAlone() throws {
        // Sides leaning 4° inward, both ways: the mug is upright.
        let size = PixelSize(width: 400, height: 500)
        let values = (0..<size.pixelCount).map { index -> UInt8 in
            let x = Double(index % 400), y = Double(index / 400)
            let halfWidth = 110 - (450 - y) * tan(4 * Double.pi / 180)
            return (60...450).contains(y) && abs(x - 200) <= halfWidth ? 255 : 0
        }
        let mug = try VipsImage.fromPixels(values, size: size, bands: 1, format: .uchar)
        let context = try straightened(mug)
        let matte = try #require(context.matte)
        #expect(try Pixels(matte).values == Pixels(mug).values, "\(context.notes)")
    }

    @Test func aTiltBeyondFifteenDegreesIsAPoseAndLeftAlone() throws {
        let posed = try bottle(tilted: 30)
        let context = try straightened(posed)
        let matte = try #require(context.matte)
        #expect(try Pixels(matte).values == Pixels(posed).values)
        #expect(context.notes.contains { $0.contains("more than ±15°") })
    }

    @Test func aLyingProductIsLevelledToHorizontal() throws {
        let lying = try bottle(tilted: 90 + 6)
        let edges = try #require(try EdgeDirection(of: lying))
        #expect(abs(edges.degrees - 6) < 0.5)
        let context = try straightened(lying)
        let matte = try #require(context.matte)
        let after = try #require(try EdgeDirection(of: matte))
        #expect(abs(after.degrees) < 0.5)
    }

    @Test func uprightSamplePhotosAreNotTurned() throws {
        let samples = try FileManager.default.contentsOfDirectory(at: Fixtures.examples, includingPropertiesForKeys: nil)
            .filter { $0.pathExtension == "jpg" }
        #expect(samples.count >= 5)
        for sample in samples {
            let outcome = try TestEngine.run(Data(contentsOf: sample), [("format", "png"), ("straighten", "true")])
            #expect(outcome.error == nil)
            let turns = outcome.notes.filter { $0.hasPrefix("straightened by") }
            #expect(turns.isEmpty, "\(sample.lastPathComponent): \(turns)")
        }
    }

    @Test func aRealPhotoTurnedSevenDegreesIsLevelledThroughThePipeline() throws {
        let upright = try VipsImage.decode(Fixtures.data("bottle-exif8.jpg")).autorotated()
        let turned = try upright.rotated(by: 7).encoded(as: .png)
        let cutout = { (straighten: Bool) throws -> EdgeDirection? in
            let outcome = try TestEngine.run(turned, [("format", "png")]) {
                $0.straighten = straighten
                $0.wantsCutout = true
            }
            let cutout = try #require(outcome.cutout)
            return try EdgeDirection(of: VipsImage.decode(cutout.data).bands(3))
        }
        let before = try #require(try cutout(false)), after = try #require(try cutout(true))
        #expect(abs(before.degrees) > 5)
        #expect(abs(after.degrees) < 1, "tilt \(after.degrees)° after, \(before.degrees)° before")
    }
}
