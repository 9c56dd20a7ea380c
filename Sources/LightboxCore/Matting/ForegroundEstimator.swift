/// Estimates the product's own colour at its soft edges, so the old background does not
/// bleed into the new one: approximate blur-fusion foreground estimation (Forte and Pitié),
/// with the blurs computed at a reduced resolution.
struct ForegroundEstimator {
    var workingLongSide = 1024
    /// Blur of the colour estimates, in working pixels.
    var sigma = 4.0

    /// `image` is 8-bit sRGB, `matte` 8-bit alpha of the same size; returns 8-bit sRGB.
    /// Fully opaque pixels keep their exact colour.
    func estimate(image: VipsImage, matte: VipsImage) throws -> VipsImage {
        let scale = min(1, Double(workingLongSide) / Double(image.size.longSide))
        let small = PixelSize(width: max(1, Int((Double(image.width) * scale).rounded())),
                              height: max(1, Int((Double(image.height) * scale).rounded())))
        let colour = try image.resampled(to: small).linear(1.0 / 255, 0)
        let alpha = try matte.resampled(to: small).linear(1.0 / 255, 0)
        let background = try alpha.linear(-1, 1)
        let foregroundMean = try weightedBlur(colour, alpha)
        let backgroundMean = try weightedBlur(colour, background)
        let means = try foregroundMean.joined(with: backgroundMean).materialized()
        let fullForeground = try means.bands(0, count: 3).scaledBilinear(to: image.size)
        let fullBackground = try means.bands(3, count: 3).scaledBilinear(to: image.size)
        let pixel = try image.linear(1.0 / 255, 0), a = try matte.linear(1.0 / 255, 0)
        // F = F̂ + α (I − α F̂ − (1 − α) B̂)
        let residual = try pixel - a * fullForeground - a.linear(-1, 1) * fullBackground
        let estimate = try (fullForeground + a * residual).linear(255, 0, uchar: true)
        return try matte.compared(.equal, 255).choose(image, else: estimate)
    }

    private func weightedBlur(_ colour: VipsImage, _ weight: VipsImage) throws -> VipsImage {
        let numerator = try (colour * weight).gaussianBlurred(sigma: sigma)
        let denominator = try weight.gaussianBlurred(sigma: sigma).linear(1, 1e-4)
        return try numerator / denominator
    }
}
