import Testing

@testable import LightboxCore

@Suite struct LinearModelFieldTests {
    @Test func appliesInterpolatedCoefficientsAndTheRamp() throws {
        // A 2×1 grid at factor 4 over an 8×1 image: left q = 0.5·R, right q = 0.5·R + 0.5.
        let field = try LinearModelField(coefficients: [0.5, 0, 0, 0, 0.5, 0, 0, 0.5],
                                         size: PixelSize(width: 2, height: 1), factor: 4)
        let image = ByteImage(size: PixelSize(width: 8, height: 1), bands: 3,
                              values: (0..<8).flatMap { _ in [UInt8(255), 0, 0] })
        let matte = field.apply(to: image, ramp: (0, 1)).values
        // Pixel centres 0.5...1.5 are at or before the first grid centre (1.5): q = 0.5.
        #expect(matte[0] == 128 && matte[1] == 128)
        // Pixel centres at or past the second grid centre (5.5): q = 1.
        #expect(matte[6] == 255 && matte[7] == 255)
        // Between the centres, q rises linearly: 0.6875 at x = 3, 0.8125 at x = 4.
        #expect(matte[3] == 175 && matte[4] == 207)
        // A ramp of [0.5, 1] maps q = 0.5 to 0.
        #expect(field.apply(to: image, ramp: (0.5, 1)).values[0] == 0)
    }

    @Test func refusesAGridOfTheWrongSize() {
        #expect(throws: LightboxError.self) {
            try LinearModelField(coefficients: [1, 2, 3], size: PixelSize(width: 2, height: 2), factor: 2)
        }
    }
}
