import Foundation
import LightboxTestSupport
import Testing

@testable import LightboxCore

@Suite struct ForegroundEstimatorTests {
    @Test func edgePixelsLoseTheOldBackgroundColour() throws {
        // A red product whose soft edge (x 95...104) is blended into a blue background.
        let size = PixelSize(width: 200, height: 60)
        var photo = [UInt8](repeating: 0, count: size.pixelCount * 3)
        var alpha = [UInt8](repeating: 0, count: size.pixelCount)
        for y in 0..<size.height {
            for x in 0..<size.width {
                let a = x < 95 ? 1.0 : x > 104 ? 0.0 : Double(104 - x) / 10
                let index = y * size.width + x
                alpha[index] = UInt8((a * 255).rounded())
                photo[index * 3] = UInt8((a * 230).rounded())
                photo[index * 3 + 2] = UInt8(((1 - a) * 230).rounded())
            }
        }
        let image = try VipsImage.fromPixels(photo, size: size, bands: 3, format: .uchar).tagged(.srgb)
        let matte = try VipsImage.fromPixels(alpha, size: size, bands: 1, format: .uchar)
        let estimated = try Pixels(ForegroundEstimator().estimate(image: ByteImage(image), matte: ByteImage(matte)).image())
        let original = try Pixels(image)
        #expect(original[100, 30, 2] > 100, "the blended edge starts out blue")
        #expect(estimated[100, 30, 2] < 40)
        #expect(estimated[100, 30, 0] > 180)
        #expect(estimated.pixel(20, 30) == original.pixel(20, 30), "opaque pixels keep their colour")
    }
}
