/// Means over (2r+1)² windows, clipped at the borders, of a small band-interleaved float
/// image, by running sums: constant cost per pixel whatever the radius. This runs on the
/// guided filter's guide (tens of thousands of pixels, 13 bands), where libvips' separable
/// convolution cost 40–50 ms an image against a few here.
enum BoxFilter {
    static func apply(_ values: inout [Float], width: Int, height: Int, bands: Int, radius: Int) {
        rows(&values, width: width, height: height, bands: bands, radius: radius)
        columns(&values, width: width, height: height, bands: bands, radius: radius)
    }

    /// Along each row: one running sum per band.
    private static func rows(_ values: inout [Float], width: Int, height: Int, bands: Int, radius: Int) {
        var line = [Float](repeating: 0, count: width * bands)
        var sums = [Double](repeating: 0, count: bands)
        values.withUnsafeMutableBufferPointer { image in
            line.withUnsafeMutableBufferPointer { copy in
                for y in 0..<height {
                    let row = y * width * bands
                    for index in 0..<width * bands { copy[index] = image[row + index] }
                    for band in 0..<bands { sums[band] = 0 }
                    for x in 0..<min(width, radius + 1) {
                        for band in 0..<bands { sums[band] += Double(copy[x * bands + band]) }
                    }
                    for x in 0..<width {
                        let scale = 1 / Double(min(width - 1, x + radius) - max(0, x - radius) + 1)
                        let entering = x + radius + 1, leaving = x - radius
                        for band in 0..<bands {
                            image[row + x * bands + band] = Float(sums[band] * scale)
                            if entering < width { sums[band] += Double(copy[entering * bands + band]) }
                            if leaving >= 0 { sums[band] -= Double(copy[leaving * bands + band]) }
                        }
                    }
                }
            }
        }
    }

    /// Down the columns: whole rows at a time, so every access is sequential.
    private static func columns(_ values: inout [Float], width: Int, height: Int, bands: Int, radius: Int) {
        let stride = width * bands
        let source = values
        var sums = [Double](repeating: 0, count: stride)
        source.withUnsafeBufferPointer { input in
            values.withUnsafeMutableBufferPointer { output in
                for y in 0..<min(height, radius + 1) {
                    for index in 0..<stride { sums[index] += Double(input[y * stride + index]) }
                }
                for y in 0..<height {
                    let scale = 1 / Double(min(height - 1, y + radius) - max(0, y - radius) + 1)
                    for index in 0..<stride { output[y * stride + index] = Float(sums[index] * scale) }
                    let entering = y + radius + 1, leaving = y - radius
                    if entering < height {
                        for index in 0..<stride { sums[index] += Double(input[entering * stride + index]) }
                    }
                    if leaving >= 0 {
                        for index in 0..<stride { sums[index] -= Double(input[leaving * stride + index]) }
                    }
                }
            }
        }
    }
}
