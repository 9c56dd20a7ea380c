/// Estimates the product's own colour at its soft edges, so the old background does not
/// bleed into the new one: each edge pixel takes the mean colour of the opaque product
/// around it (a normalised convolution weighted by alpha), computed on a copy shrunk by
/// an integer factor and zoomed back, since the estimate is smooth by construction.
struct ForegroundEstimator {
    var workingLongSide = 512
    /// Blur of the colour estimate, in working pixels.
    var sigma = 4.0

    /// `image` is 8-bit sRGB, `matte` 8-bit alpha of the same size; returns 8-bit sRGB.
    /// Fully opaque pixels keep their exact colour.
    func estimate(image: VipsImage, matte: VipsImage) throws -> VipsImage {
        let factor = max(1, (image.size.longSide + workingLongSide - 1) / workingLongSide)
        let colour = factor > 1 ? try image.shrunk(by: factor) : image
        let weight = try (factor > 1 ? matte.shrunk(by: factor) : matte).compared(.atLeast, 250).linear(1.0 / 255, 0)
        let numerator = try (colour * weight).gaussianBlurred(sigma: sigma)
        let denominator = try weight.gaussianBlurred(sigma: sigma)
        // Where no opaque pixel is near, keep the photo's own colour.
        let mean = try denominator.compared(.more, 1e-3)
            .choose(numerator / denominator.linear(1, 1e-6), else: colour).cast(.uchar).materialized()
        let foreground = try (factor > 1 ? mean.zoomed(by: factor) : mean)
            .embedded(in: image.size, at: (0, 0), fill: .copyEdge)
        return try matte.compared(.less, 255).choose(foreground, else: image)
    }
}
