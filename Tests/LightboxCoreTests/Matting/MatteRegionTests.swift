import Foundation
import LightboxTestSupport
import Testing

@testable import LightboxCore

@Suite struct MatteRegionTests {
    @Test func coversTheProductAtTheScaleTheCanvasNeeds() throws {
        // A 32×32 mask whose product spans 8×16 mask pixels in a 3200×3200 photo.
        var values = [Float](repeating: 0, count: 32 * 32)
        for y in 8..<24 { for x in 12..<20 { values[y * 32 + x] = 1 } }
        let mask = try VipsImage.fromPixels(values, size: PixelSize(width: 32, height: 32), bands: 1, format: .float)
        let region = try MatteRegion.around(mask: mask, image: PixelSize(width: 3200, height: 3200),
                                            options: ProcessOptions(), padding: 1)
        #expect(region.frame == PixelRect(x: 1100, y: 700, width: 1000, height: 1800))
        // The product is 1600 px tall and will be drawn 1140 px tall, with a little headroom.
        #expect(abs(region.scale - MatteRegion.headroom * 1140.0 / 1600) < 0.01)
    }

    @Test func emptyMaskFallsBackToTheWholeFrame() throws {
        let mask = try VipsImage.black(PixelSize(width: 32, height: 32)).cast(.float)
        let region = try MatteRegion.around(mask: mask, image: PixelSize(width: 640, height: 480), options: ProcessOptions())
        #expect(region == .whole(PixelSize(width: 640, height: 480)))
    }
}
