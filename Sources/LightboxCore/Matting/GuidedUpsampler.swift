/// Brings a low-resolution mask up to the image's resolution along the image's own
/// edges: a colour guided filter (He, Sun and Tang) computed at a reduced guide
/// resolution, whose linear coefficients are then upsampled and applied at full size
/// ("fast guided filter").
struct GuidedUpsampler {
    /// Guide resolution, in guide pixels per mask pixel.
    var guidePixelsPerMaskPixel = 3.0
    /// Window radius, in pixels of the low-resolution mask.
    var radiusInMaskPixels = 4.0
    /// Regularisation: larger values smooth more and follow image edges less.
    var epsilon = 1e-4

    /// Returns the float matte (about 0...1) at `image`'s size, for the part of the mask
    /// in `window` (mask pixels), which `image` shows.
    func upsample(_ mask: VipsImage, window: (x: Double, y: Double, width: Double, height: Double),
                  guidedBy image: VipsImage) throws -> VipsImage {
        let scale = min(1, guidePixelsPerMaskPixel * window.width / Double(image.width))
        let guideSize = PixelSize(width: max(1, Int((Double(image.width) * scale).rounded())),
                                  height: max(1, Int((Double(image.height) * scale).rounded())))
        let radius = max(1, Int((radiusInMaskPixels * Double(guideSize.width) / window.width).rounded()))
        let guide = try image.resampled(to: guideSize).linear(1.0 / 255, 0).materialized()
        let target = try mask.scaledBilinear(window: window, to: guideSize).materialized()
        let coefficients = try self.coefficients(guide: guide, target: target, radius: radius)
        let full = try image.linear(1.0 / 255, 0)
        let slopes = try coefficients.bands(0, count: 3).scaledBilinear(to: image.size)
        let offset = try coefficients.bands(3).scaledBilinear(to: image.size)
        return try (slopes * full).bandMean().linear(3, 0) + offset
    }

    /// Box-filtered per-pixel linear model `q = a·I + b`, as 4 bands: a (3) and b.
    /// Each stage is materialized: libvips would otherwise recompute shared terms per use.
    private func coefficients(guide: VipsImage, target: VipsImage, radius: Int) throws -> VipsImage {
        let red = try guide.bands(0), green = try guide.bands(1), blue = try guide.bands(2)
        let products = try [red * red, red * green, red * blue, green * green, green * blue, blue * blue,
                            red * target, green * target, blue * target]
        let means = try joinAll([guide, target] + products).boxFiltered(radius: radius).materialized()
        let meanR = try means.bands(0), meanG = try means.bands(1), meanB = try means.bands(2)
        let meanP = try means.bands(3)
        let meanProducts = try joinAll([meanR * meanR, meanR * meanG, meanR * meanB, meanG * meanG, meanG * meanB,
                                        meanB * meanB, meanR * meanP, meanG * meanP, meanB * meanP])
        let e = epsilon
        let covariance = try (means.bands(4, count: 9) - meanProducts)
            .linear([1, 1, 1, 1, 1, 1, 1, 1, 1], [e, 0, 0, e, 0, e, 0, 0, 0]).materialized()
        func c(_ index: Int) throws -> VipsImage { try covariance.bands(index) }
        let (rr, rg, rb, gg, gb, bb) = (try c(0), try c(1), try c(2), try c(3), try c(4), try c(5))
        // Inverse of the symmetric 3×3 covariance matrix by cofactors.
        let cofactors = try joinAll([gg * bb - gb * gb, gb * rb - rg * bb, rg * gb - gg * rb,
                                     rr * bb - rb * rb, rb * rg - rr * gb, rr * gg - rg * rg]).materialized()
        func k(_ index: Int) throws -> VipsImage { try cofactors.bands(index) }
        let (c00, c01, c02, c11, c12, c22) = (try k(0), try k(1), try k(2), try k(3), try k(4), try k(5))
        let determinant = try (rr * c00 + rg * c01 + rb * c02).materialized()
        let (pr, pg, pb) = (try c(6), try c(7), try c(8))
        let slopes = try joinAll([pr * c00 + pg * c01 + pb * c02, pr * c01 + pg * c11 + pb * c12,
                                  pr * c02 + pg * c12 + pb * c22]) / determinant
        let solved = try slopes.materialized()
        let offset = try meanP - (solved * means.bands(0, count: 3)).bandMean().linear(3, 0)
        return try solved.joined(with: offset).boxFiltered(radius: radius).materialized()
    }

    private func joinAll(_ images: [VipsImage]) throws -> VipsImage {
        try images.dropFirst().reduce(images[0]) { try $0.joined(with: $1) }
    }
}
