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
        let area = UInt32(rows * columns)
        var sums = [UInt32](repeating: 0, count: small.width * bands)
        var output = [UInt8](repeating: 0, count: small.pixelCount * bands)
        for y in 0..<small.height {
            for index in sums.indices { sums[index] = 0 }
            for row in y * factor..<y * factor + rows {
                let start = row * size.width * bands
                for x in 0..<small.width {
                    for column in x * factor..<x * factor + columns {
                        for band in 0..<bands { sums[x * bands + band] += UInt32(values[start + column * bands + band]) }
                    }
                }
            }
            for index in sums.indices { output[y * small.width * bands + index] = UInt8((sums[index] + area / 2) / area) }
        }
        return ByteImage(size: small, bands: bands, values: output)
    }
}
