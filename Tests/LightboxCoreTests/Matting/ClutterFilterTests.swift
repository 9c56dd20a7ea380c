import Foundation
import LightboxTestSupport
import Testing

@testable import LightboxCore

@Suite struct ClutterFilterTests {
    /// A 100×100 mask with a 40×40 product and a separate 8×8 blob.
    private func mask() throws -> VipsImage {
        var values = [Float](repeating: 0, count: 100 * 100)
        for y in 30..<70 { for x in 30..<70 { values[y * 100 + x] = 1 } }
        for y in 5..<13 { for x in 85..<93 { values[y * 100 + x] = 0.9 } }
        return try VipsImage.fromPixels(values, size: PixelSize(width: 100, height: 100), bands: 1, format: .float)
    }

    @Test func dropsSmallSeparateBlobs() throws {
        let (cleaned, dropped) = try ClutterFilter(relativeArea: 0.3).apply(to: mask())
        let pixels = try Pixels(cleaned.linear(255, 0, uchar: true))
        #expect(dropped == 1)
        #expect(pixels[88, 8] == 0)
        #expect(pixels[50, 50] == 255)
    }

    @Test func keepsBlobsAboveTheThreshold() throws {
        let (cleaned, dropped) = try ClutterFilter(relativeArea: 0.01).apply(to: mask())
        #expect(dropped == 0)
        #expect(try Pixels(cleaned.linear(255, 0, uchar: true))[88, 8] > 200)
    }

    /// The crock standing apart at the left: dropped by this filter alone, and also by the cut
    /// of objects standing behind, which runs first.
    @Test func kitchenClutterIsDroppedFromARealPhoto() throws {
        let photo = try Data(contentsOf: Fixtures.examples.appendingPathComponent("kitchen-mug.jpg"))
        let alone = try TestEngine.context(through: "refine-matte", input: photo) { $0.matte.separateTouching = false }
        #expect(alone.notes.contains { $0.contains("clutter") })
        let both = try TestEngine.context(through: "refine-matte", input: photo)
        #expect(both.notes.contains { $0.contains("behind or against the product") })
    }
}
