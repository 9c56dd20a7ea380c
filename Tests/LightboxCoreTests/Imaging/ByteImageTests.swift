import Testing

@testable import LightboxCore

@Suite struct ByteImageTests {
    @Test func shrinkingAveragesWholeBlocksAndDropsThePartialEdge() {
        // 5×2, two bands: band 0 counts 0...9 along the rows, band 1 is constant 200.
        let values: [UInt8] = (0..<10).flatMap { [UInt8($0 * 10), UInt8(200)] }
        let shrunk = ByteImage(size: PixelSize(width: 5, height: 2), bands: 2, values: values).shrunk(by: 2)
        #expect(shrunk.size == PixelSize(width: 2, height: 1))
        // Blocks {0, 10, 50, 60} and {20, 30, 70, 80}.
        #expect(shrunk.values == [30, 200, 50, 200])
    }

    @Test func roundTripsThroughLibvips() throws {
        let original = ByteImage(size: PixelSize(width: 3, height: 2), bands: 3, values: (0..<18).map { UInt8($0 * 7) })
        let back = try ByteImage(original.image())
        #expect(back.values == original.values && back.size == original.size && back.bands == 3)
    }
}
