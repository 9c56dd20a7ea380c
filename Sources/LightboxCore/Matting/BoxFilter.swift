/// Means over (2r+1)² windows, clipped at the borders, of a small band-interleaved float
/// image: constant cost per pixel whatever the radius. This runs on the guided filter's
/// guide (tens of thousands of pixels, 13 bands), where libvips' separable convolution
/// cost 40–50 ms an image against a few here. Sums are kept in Double: the filter takes
/// differences of these means, and Float running sums lose the small variances.
enum BoxFilter {
    static func apply(_ values: inout [Float], width: Int, height: Int, bands: Int, radius: Int) {
        values.withUnsafeMutableBufferPointer { image in
            rows(image, width: width, height: height, bands: bands, radius: radius)
            columns(image, width: width, height: height, bands: bands, radius: radius)
        }
    }

    /// Along each row, from prefix sums: a window's sum is the difference of two of them,
    /// which for interior pixels is one contiguous subtraction across all bands.
    private static func rows(_ image: UnsafeMutableBufferPointer<Float>, width: Int, height: Int,
                             bands: Int, radius: Int) {
        let prefix = UnsafeMutableBufferPointer<Double>.allocate(capacity: (width + 1) * bands)
        defer { prefix.deallocate() }
        let scales = (0..<width).map { x in 1 / Double(min(width - 1, x + radius) - max(0, x - radius) + 1) }
        for y in 0..<height {
            let row = y * width * bands
            for band in 0..<bands { prefix[band] = 0 }
            for index in 0..<width * bands { prefix[index + bands] = prefix[index] + Double(image[row + index]) }
            // Window [x - r, x + r] ∩ [0, width - 1] is prefix[min(x + r + 1, width)] - prefix[max(x - r, 0)].
            for x in 0..<width {
                let end = min(x + radius + 1, width) * bands, start = max(x - radius, 0) * bands
                let scale = scales[x], out = row + x * bands
                for band in 0..<bands {
                    image[out + band] = Float((prefix[end + band] - prefix[start + band]) * scale)
                }
            }
        }
    }

    /// Down the columns, whole rows at a time so that every access is sequential. Rows that
    /// leave the window are read from a ring of original rows, since the image is overwritten.
    private static func columns(_ image: UnsafeMutableBufferPointer<Float>, width: Int, height: Int,
                                bands: Int, radius: Int) {
        let stride = width * bands
        let sums = UnsafeMutableBufferPointer<Double>.allocate(capacity: stride)
        let ring = UnsafeMutableBufferPointer<Float>.allocate(capacity: (radius + 1) * stride)
        defer { sums.deallocate(); ring.deallocate() }
        _ = sums.initialize(repeating: 0)
        for y in 0..<min(height, radius + 1) {
            for index in 0..<stride { sums[index] += Double(image[y * stride + index]) }
        }
        for y in 0..<height {
            // Row y is about to be overwritten; keep it until it leaves the window at y + r + 1.
            let slot = (y % (radius + 1)) * stride
            for index in 0..<stride { ring[slot + index] = image[y * stride + index] }
            let scale = 1 / Double(min(height - 1, y + radius) - max(0, y - radius) + 1)
            for index in 0..<stride { image[y * stride + index] = Float(sums[index] * scale) }
            let entering = y + radius + 1, leaving = y - radius
            if entering < height {
                for index in 0..<stride { sums[index] += Double(image[entering * stride + index]) }
            }
            if leaving >= 0 {
                let leavingSlot = (leaving % (radius + 1)) * stride
                for index in 0..<stride { sums[index] -= Double(ring[leavingSlot + index]) }
            }
        }
    }
}
