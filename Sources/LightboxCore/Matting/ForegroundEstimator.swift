/// Estimates the product's own colour at its soft edges, so the old background does not
/// bleed into the new one: each edge pixel takes the mean colour of the opaque product
/// around it (a normalised convolution weighted by alpha, computed at reduced size).
struct ForegroundEstimator {
    var workingLongSide = 512
    /// Blur of the colour estimate, in working pixels.
    var sigma = 4.0

    /// `image` is 8-bit sRGB, `matte` 8-bit alpha of the same size; returns 8-bit sRGB.
    /// Fully opaque pixels keep their exact colour.
    func estimate(image: VipsImage, matte: VipsImage) throws -> VipsImage {
        let scale = min(1, Double(workingLongSide) / Double(image.size.longSide))
        let small = PixelSize(width: max(1, Int((Double(image.width) * scale).rounded())),
                              height: max(1, Int((Double(image.height) * scale).rounded())))
        let colour = try image.resampled(to: small, kernel: .linear)
        let weight = try matte.resampled(to: small, kernel: .linear).compared(.atLeast, 250).linear(1.0 / 255, 0)
        let numerator = try (colour * weight).gaussianBlurred(sigma: sigma)
        let denominator = try weight.gaussianBlurred(sigma: sigma).linear(1, 1e-6)
        let mean = try (numerator / denominator).cast(.uchar).materialized()
        let foreground = try mean.scaledBilinear(to: image.size)
        // Where no opaque pixel is near, keep the photo's colour.
        let covered = try denominator.compared(.more, 1e-3).scaledBilinear(to: image.size)
        let edge = try matte.compared(.less, 255)
        return try edge.choose(covered.choose(foreground, else: image), else: image)
    }
}
