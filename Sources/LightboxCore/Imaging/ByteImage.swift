/// An 8-bit image's pixels in Swift memory, band-interleaved: for the few per-pixel passes
/// that libvips has no single operation for, so that each image is copied out once.
struct ByteImage {
    let size: PixelSize
    let bands: Int
    var values: [UInt8]

    init(size: PixelSize, bands: Int, values: [UInt8]) {
        precondition(values.count == size.pixelCount * bands)
        self.size = size
        self.bands = bands
        self.values = values
    }

    init(_ image: VipsImage) throws {
        self.init(size: image.size, bands: image.bands, values: try image.cast(.uchar).pixels(as: UInt8.self))
    }

    func image() throws -> VipsImage {
        let image = try VipsImage.fromPixels(values, size: size, bands: bands, format: .uchar)
        return bands >= 3 ? try image.tagged(.srgb) : image
    }

    /// Means over `factor`×`factor` blocks; a partial block at the right or bottom edge is dropped.
    func shrunk(by factor: Int) -> ByteImage {
        guard factor > 1 else { return self }
        let small = PixelSize(width: max(1, size.width / factor), height: max(1, size.height / factor))
        let rows = min(factor, size.height), columns = min(factor, size.width)
        let area = UInt32(rows * columns), rowLength = small.width * bands, stride = size.width * bands
        var output = [UInt8](repeating: 0, count: small.pixelCount * bands)
        // Rows are summed first, in one contiguous (vectorised) pass per source row, then
        // blocks along the row: this runs over every pixel of the product's region, three times an image.
        values.withUnsafeBufferPointer { source in
            output.withUnsafeMutableBufferPointer { target in
                let columnSums = UnsafeMutableBufferPointer<UInt32>.allocate(capacity: stride)
                defer { columnSums.deallocate() }
                for y in 0..<small.height {
                    _ = columnSums.initialize(repeating: 0)
                    for row in y * factor..<y * factor + rows {
                        let start = row * stride
                        for index in 0..<stride { columnSums[index] &+= UInt32(source[start + index]) }
                    }
                    for x in 0..<small.width {
                        for band in 0..<bands {
                            var sum: UInt32 = 0, index = x * factor * bands + band
                            for _ in 0..<columns {
                                sum &+= columnSums[index]
                                index += bands
                            }
                            target[y * rowLength + x * bands + band] = UInt8((sum + area / 2) / area)
                        }
                    }
                }
            }
        }
        return ByteImage(size: small, bands: bands, values: output)
    }
}
