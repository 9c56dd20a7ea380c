import Foundation
import LightboxTestSupport
import Testing

@testable import LightboxCore

@Suite struct GuidedUpsamplerTests {
    /// Columns of `row` where the value is strictly between 10% and 90%.
    private func rampWidth(_ pixels: Pixels, row: Int) -> Int {
        (0..<pixels.width).filter { (26...229).contains(pixels[$0, row]) }.count
    }

    @Test func followsImageEdgesWhereAResizeWouldBlur() throws {
        // A sharp dark/light edge at x = 203, and a coarse 20×10 mask of the same edge.
        let size = PixelSize(width: 400, height: 200)
        var photo = [UInt8](repeating: 40, count: size.pixelCount * 3)
        for y in 0..<size.height { for x in 0..<203 { for c in 0..<3 { photo[(y * size.width + x) * 3 + c] = 220 } } }
        let image = try VipsImage.fromPixels(photo, size: size, bands: 3, format: .uchar).tagged(.srgb)
        var coarse = [Float](repeating: 0, count: 200)
        for y in 0..<10 { for x in 0..<10 { coarse[y * 20 + x] = 1 } }
        coarse = coarse.enumerated().map { $0.offset % 20 == 10 ? 0.15 : $0.element }
        let mask = try VipsImage.fromPixels(coarse, size: PixelSize(width: 20, height: 10), bands: 1, format: .float)

        let guided = try GuidedUpsampler().upsample(mask, window: (0, 0, 20, 10), guidedBy: ByteImage(image)).image()
        let resized = try mask.scaledBilinear(to: size).linear(255, 0, uchar: true)
        let (sharp, blurred) = (try Pixels(guided), try Pixels(resized))
        #expect(rampWidth(sharp, row: 100) <= 3)
        #expect(rampWidth(blurred, row: 100) >= 15)
        #expect(sharp[150, 100] > 240 && sharp[260, 100] < 15)
    }
}
