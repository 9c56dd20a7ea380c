import Testing

@testable import LightboxCore

@Suite struct BoxFilterTests {
    /// Window means computed the slow way, clipped at the borders.
    private func bruteForce(_ values: [Float], width: Int, height: Int, bands: Int, radius: Int) -> [Float] {
        var output = values
        for y in 0..<height {
            for x in 0..<width {
                for band in 0..<bands {
                    var sum = 0.0, count = 0.0
                    for v in max(0, y - radius)...min(height - 1, y + radius) {
                        for u in max(0, x - radius)...min(width - 1, x + radius) {
                            sum += Double(values[(v * width + u) * bands + band])
                            count += 1
                        }
                    }
                    output[(y * width + x) * bands + band] = Float(sum / count)
                }
            }
        }
        return output
    }

    @Test(arguments: [1, 2, 5])
    func matchesTheDirectMeanAtEveryPixel(radius: Int) {
        let (width, height, bands) = (13, 9, 3)
        var generator = SystemRandomNumberGenerator()
        let values = (0..<width * height * bands).map { _ in Float.random(in: 0...1, using: &generator) }
        var filtered = values
        BoxFilter.apply(&filtered, width: width, height: height, bands: bands, radius: radius)
        let expected = bruteForce(values, width: width, height: height, bands: bands, radius: radius)
        #expect(zip(filtered, expected).allSatisfy { abs($0 - $1) < 1e-5 })
    }
}
