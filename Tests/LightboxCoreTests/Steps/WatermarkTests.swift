import Foundation
import LightboxTestSupport
import Testing

@testable import LightboxCore

@Suite struct WatermarkTests {
    private static let plain: Pixels = try! Pixels(decoding: TestEngine.run(Fixtures.data("mug-wood.jpg"),
        [("format", "png"), ("shadow", "none")]).outputs[0].data)

    /// The box of pixels that differ from the unwatermarked canvas.
    private func changedBox(_ options: [(String, String)], configure: (inout ProcessOptions) -> Void = { _ in }) throws -> PixelRect? {
        let outcome = try TestEngine.run(Fixtures.data("mug-wood.jpg"), [("format", "png"), ("shadow", "none")] + options,
                                         configure: configure)
        let marked = try Pixels(decoding: #require(outcome.outputs.first).data)
        return marked.boundingBox { x, y in (0..<3).contains { abs(Int(marked[x, y, $0]) - Int(Self.plain[x, y, $0])) > 8 } }
    }

    @Test func textLandsInTheChosenCorner() throws {
        let box = try #require(try changedBox([("watermark", "LIGHTBOX")]))
        #expect(box.x > 750 && box.y > 1300, "bottom-right: \(box)")
        #expect(box.height <= 80)
        let topLeft = try #require(try changedBox([("watermark", "LIGHTBOX"), ("watermark-position", "top-left")]))
        #expect(topLeft.x + topLeft.width < 750 && topLeft.y + topLeft.height < 200, "top-left: \(topLeft)")
    }

    @Test func imageWatermarkIsStampedWithItsOpacity() throws {
        let logo = try VipsImage.solid(PixelSize(width: 60, height: 30), colour: [220, 20, 20, 255]).tagged(.srgb)
        let logoBytes = try logo.encoded(as: .png)
        let outcome = try TestEngine.run(Fixtures.data("mug-wood.jpg"),
                                         [("format", "png"), ("shadow", "none"), ("watermark-opacity", "1")]) {
            $0.watermark.image = logoBytes
        }
        let pixels = try Pixels(decoding: #require(outcome.outputs.first).data)
        let box = try #require(pixels.boundingBox { x, y in pixels[x, y, 0] > 200 && pixels[x, y, 1] < 60 })
        #expect(abs(box.height - 60) <= 2, "4% of a 1500 px canvas")
        #expect(abs(box.width - 120) <= 3, "aspect kept")
        #expect(box.x + box.width > 1400 && box.y + box.height > 1400)
    }
}
