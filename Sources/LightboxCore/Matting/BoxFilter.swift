/// Means over (2r+1)² windows, clipped at the borders, of a small band-interleaved float
/// image, by running sums: constant cost per pixel whatever the radius. This runs on the
/// guided filter's guide (tens of thousands of pixels, 13 bands), where libvips' separable
/// convolution cost 40–50 ms an image against a few here.
enum BoxFilter {
    static func apply(_ values: inout [Float], width: Int, height: Int, bands: Int, radius: Int) {
        var scratch = [Float](repeating: 0, count: values.count)
        pass(from: values, to: &scratch, count: width, lines: height, step: bands, lineStride: width * bands,
             bands: bands, radius: radius)
        pass(from: scratch, to: &values, count: height, lines: width, step: width * bands, lineStride: bands,
             bands: bands, radius: radius)
    }

    /// One direction: for each of `lines` lines of `count` samples `step` apart.
    private static func pass(from source: [Float], to target: inout [Float], count: Int, lines: Int, step: Int,
                             lineStride: Int, bands: Int, radius: Int) {
        source.withUnsafeBufferPointer { input in
            target.withUnsafeMutableBufferPointer { output in
                var sums = [Double](repeating: 0, count: bands)
                for line in 0..<lines {
                    let base = line * lineStride
                    for band in 0..<bands { sums[band] = 0 }
                    // Prime the window [0, radius].
                    for index in 0..<min(count, radius + 1) {
                        for band in 0..<bands { sums[band] += Double(input[base + index * step + band]) }
                    }
                    for index in 0..<count {
                        let low = max(0, index - radius), high = min(count - 1, index + radius)
                        let scale = 1 / Double(high - low + 1)
                        for band in 0..<bands { output[base + index * step + band] = Float(sums[band] * scale) }
                        let entering = index + radius + 1, leaving = index - radius
                        for band in 0..<bands {
                            if entering < count { sums[band] += Double(input[base + entering * step + band]) }
                            if leaving >= 0 { sums[band] -= Double(input[base + leaving * step + band]) }
                        }
                    }
                }
            }
        }
    }
}
