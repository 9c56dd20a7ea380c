/// Estimates the product's own colour at its soft edges, so the old background does not
/// bleed into the new one: each edge pixel takes the mean colour of the opaque product
/// around it (a normalised convolution weighted by opacity), computed on a copy shrunk by
/// an integer factor, since the estimate is smooth by construction.
struct ForegroundEstimator {
    var workingLongSide = 512
    /// Radius, in working pixels, of the two box passes that smooth the estimate: together
    /// about a Gaussian of sigma 3.7, at a fraction of libvips' float convolution's cost.
    var radius = 4
    /// Working pixels at least this opaque count as the product's own colour.
    var opaqueFrom: UInt8 = 250

    /// `image` is 8-bit RGB, `matte` 8-bit alpha of the same size; returns 8-bit RGB.
    /// Fully opaque pixels keep their exact colour.
    func estimate(image: ByteImage, matte: ByteImage) -> ByteImage {
        let factor = max(1, (image.size.longSide + workingLongSide - 1) / workingLongSide)
        let mean = meanOpaqueColour(colour: image.shrunk(by: factor), opacity: matte.shrunk(by: factor))
        var output = image.values
        let width = image.size.width
        output.withUnsafeMutableBufferPointer { colour in
            matte.values.withUnsafeBufferPointer { alpha in
                mean.values.withUnsafeBufferPointer { estimate in
                    for y in 0..<image.size.height {
                        let meanRow = min(y / factor, mean.size.height - 1) * mean.size.width
                        for x in 0..<width where alpha[y * width + x] < 255 {
                            let from = (meanRow + min(x / factor, mean.size.width - 1)) * 3, to = (y * width + x) * 3
                            colour[to] = estimate[from]
                            colour[to + 1] = estimate[from + 1]
                            colour[to + 2] = estimate[from + 2]
                        }
                    }
                }
            }
        }
        return ByteImage(size: image.size, bands: 3, values: output)
    }

    /// Per working pixel, the mean colour of the opaque pixels near it; where none is near,
    /// the pixel's own colour.
    private func meanOpaqueColour(colour: ByteImage, opacity: ByteImage) -> ByteImage {
        let size = colour.size
        // r·w, g·w, b·w and w, with w = 1 where opaque and 0 elsewhere.
        var sums = [Float](repeating: 0, count: size.pixelCount * 4)
        for pixel in 0..<size.pixelCount where opacity.values[pixel] >= opaqueFrom {
            sums[pixel * 4] = Float(colour.values[pixel * 3])
            sums[pixel * 4 + 1] = Float(colour.values[pixel * 3 + 1])
            sums[pixel * 4 + 2] = Float(colour.values[pixel * 3 + 2])
            sums[pixel * 4 + 3] = 1
        }
        for _ in 0..<2 { BoxFilter.apply(&sums, width: size.width, height: size.height, bands: 4, radius: radius) }
        var mean = colour
        for pixel in 0..<size.pixelCount where sums[pixel * 4 + 3] > 1e-3 {
            let weight = sums[pixel * 4 + 3]
            for channel in 0..<3 {
                mean.values[pixel * 3 + channel] = UInt8(min(max(sums[pixel * 4 + channel] / weight, 0), 255).rounded())
            }
        }
        return mean
    }
}
